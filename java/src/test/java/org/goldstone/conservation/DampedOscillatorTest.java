package org.goldstone.conservation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The momentum oscillator of e.3 in its three regimes: the homogeneous solution solves psi'' + 2 gamma psi' +
 * omega^2 psi = 0 with psi(0) = 1, psi'(0) = 0, and the decayed buffers reproduce the direct Green's-function sum.
 */
class DampedOscillatorTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"under, 0.05, 0.9, 0.1", "critical, 1.0, 0.0, 0.25", "over, 0.05, 0.9, 0.001"})
    void homogeneousSolutionAndGreenSum(String regime, double h, double mu, double lambda) {
        DampedOscillator osc = new DampedOscillator(h, mu, lambda, 4.0);
        double gamma = osc.gamma(), omega = osc.omega();
        String expectedRegime = gamma < omega ? "under" : gamma == omega ? "critical" : "over";
        assertTrue(expectedRegime.equals(regime), () -> "gamma " + gamma + ", omega " + omega + ": " + expectedRegime
                + ", expected " + regime);
        double e = 1e-4;
        double d0 = (osc.homogeneous(e) - osc.homogeneous(-e)) / (2 * e);
        assertTrue(Math.abs(osc.homogeneous(0) - 1) < 1e-15 && Math.abs(d0) < 1e-6, () -> regime + ": psi(0) = "
                + osc.homogeneous(0) + ", central-difference psi'(0) = " + d0 + " (tolerance 1e-6)");
        for (double t : new double[] {0.3, 2.0, 7.5}) {
            double p = osc.homogeneous(t), pp = osc.homogeneous(t + e), pm = osc.homogeneous(t - e);
            double residual = (pp - 2 * p + pm) / (e * e) + 2 * gamma * (pp - pm) / (2 * e) + omega * omega * p;
            double scale = Math.abs(p) * (1 + omega * omega) + 1e-3;
            assertTrue(Math.abs(residual) < 1e-5 * scale, () -> regime + ": ODE residual " + residual + " at t = " + t
                    + " (tolerance 1e-5 x " + scale + ")");
        }
        SplittableRandom rng = new SplittableRandom(7);
        int steps = 200;
        double[] x = new double[steps], state = new double[4];
        for (int n = 0; n < steps; n++) {
            x[n] = rng.nextDouble();
            osc.advanceInPlace(state, 1, x[n]);
            double direct = 0, tn = h * (n + 1);
            for (int k = 0; k <= n; k++) {
                direct += green(gamma, omega, tn - h * k) * x[k];
            }
            double got = osc.forced(state, 1), want = direct;
            int nn = n;
            assertTrue(Math.abs(got - want) <= 1e-12 * Math.abs(want), () -> regime + " step " + nn
                    + ": buffered sum " + got + ", direct " + want + " (tolerance 1e-12 relative)");
        }
        assertTrue(state[0] == 0 && state[1] == 0, "set 0's buffers untouched");
    }

    /** G(s): e^{-gamma s} sin(w s)/w, s e^{-gamma s}, or (e^{a+ s} - e^{a- s})/(a+ - a-). */
    static double green(double gamma, double omega, double s) {
        if (gamma < omega) {
            double w = Math.sqrt(omega * omega - gamma * gamma);
            return Math.exp(-gamma * s) * Math.sin(w * s) / w;
        }
        if (gamma == omega) {
            return s * Math.exp(-gamma * s);
        }
        double r = Math.sqrt(gamma * gamma - omega * omega);
        return (Math.exp((-gamma + r) * s) - Math.exp((-gamma - r) * s)) / (2 * r);
    }
}
