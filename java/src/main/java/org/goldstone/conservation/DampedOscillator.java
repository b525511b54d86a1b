package org.goldstone.conservation;

/**
 * The Neural-Mechanics modified equation of heavy-ball momentum (SCIENCE e.3), {@code psi'' + 2 gamma psi' +
 * omega^2 psi = 2 x(t)}, with {@code gamma = (1 - mu)/(h (1 + mu))}, {@code omega^2 = c lambda/(h (1 + mu))}
 * (c = 2 translation, 4 scale/rescale), h the learning rate (no dampening): its homogeneous solution with
 * {@code psi'(0) = 0} and its Green's function G, summed over steps as {@code sum_k G(t_n - t_k) x_k}.
 *
 * <p>The authors' code keeps the buffers {@code sum_k e^{gamma t_k} cos(w t_k) x_k} etc. (growing exponentials) and
 * multiplies them by decaying prefactors at read-out time. Here each buffer is kept already multiplied by its
 * prefactor, {@code C_n = sum_{k<n} e^{z (t_n - t_k)} x_k}, advanced by {@code C_{n+1} = e^{z h} (C_n + x_n)}: the
 * same sum, without the overflow of e^{2 gamma t} on long runs.
 */
final class DampedOscillator {
    private enum Regime { UNDER, CRITICAL, OVER }

    private final double h, gamma, omega;
    private final Regime regime;
    private final double w, ap, am;                 // under-damped frequency; over-damped roots a+, a-
    private final double decay0, decay1;            // per-step factors of the two buffers

    DampedOscillator(double h, double mu, double lambda, double c) {
        this.h = h;
        double denom = h * (1 + mu);
        gamma = (1 - mu) / denom;
        omega = Math.sqrt(c * lambda / denom);
        if (gamma < omega) {
            regime = Regime.UNDER;
            w = Math.sqrt(omega * omega - gamma * gamma);
            ap = am = Double.NaN;
            decay0 = Math.exp(-gamma * h) * Math.cos(w * h);       // e^{z h}, z = -gamma + i w
            decay1 = Math.exp(-gamma * h) * Math.sin(w * h);
        } else if (gamma == omega) {
            regime = Regime.CRITICAL;
            w = ap = am = Double.NaN;
            decay0 = decay1 = Math.exp(-gamma * h);
        } else {
            regime = Regime.OVER;
            w = Double.NaN;
            double r = Math.sqrt(gamma * gamma - omega * omega);
            ap = -gamma + r;
            am = -gamma - r;
            decay0 = Math.exp(ap * h);
            decay1 = Math.exp(am * h);
        }
    }

    double gamma() {
        return gamma;
    }

    double omega() {
        return omega;
    }

    /** Homogeneous solution with psi(0) = 1, psi'(0) = 0. */
    double homogeneous(double t) {
        switch (regime) {
            case UNDER:
                return Math.exp(-gamma * t) * (Math.cos(w * t) + gamma / w * Math.sin(w * t));
            case CRITICAL:
                return Math.exp(-gamma * t) * (1 + gamma * t);
            default:
                return (ap * Math.exp(am * t) - am * Math.exp(ap * t)) / (ap - am);
        }
    }

    /**
     * Adds the source x_n of step n and advances the two buffers at {@code state[2i], state[2i+1]} from t_n to
     * t_{n+1}. state: modified.
     */
    void advanceInPlace(double[] state, int i, double x) {
        double b0 = state[2 * i], b1 = state[2 * i + 1];
        switch (regime) {
            case UNDER: {                                   // complex buffer (b0 + i b1) times e^{z h}
                double re = b0 + x;
                state[2 * i] = decay0 * re - decay1 * b1;
                state[2 * i + 1] = decay1 * re + decay0 * b1;
                break;
            }
            case CRITICAL:                                  // b0 = sum e^{-gamma s} x, b1 = sum s e^{-gamma s} x
                state[2 * i] = decay0 * (b0 + x);
                state[2 * i + 1] = decay0 * (b1 + h * (b0 + x));
                break;
            default:
                state[2 * i] = decay0 * (b0 + x);
                state[2 * i + 1] = decay1 * (b1 + x);
                break;
        }
    }

    /** {@code sum_k G(t_n - t_k) x_k} from the buffers at t_n. */
    double forced(double[] state, int i) {
        switch (regime) {
            case UNDER:
                return state[2 * i + 1] / w;                // G(s) = e^{-gamma s} sin(w s) / w
            case CRITICAL:
                return state[2 * i + 1];                    // G(s) = s e^{-gamma s}
            default:
                return (state[2 * i] - state[2 * i + 1]) / (ap - am);
        }
    }
}
