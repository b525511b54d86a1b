package org.goldstone.meanfield;

import org.goldstone.layer.Radial;

/**
 * The U(1) two-input kernel of SCIENCE b.2: for jointly circular Gaussian pre-activations with E|y_i|^2 = q_i and
 * normalized overlap modulus c, |E f(y1) conj f(y2)| = K(q1, q2, c) with
 * <pre>
 *   K = Int_0^inf Int_0^inf 4 r1 r2 rho(r1) rho(r2) / (q1 q2 (1-c^2)) exp(-(r1^2/q1 + r2^2/q2)/(1-c^2))
 *       I_1(2 c r1 r2 / (sqrt(q1 q2)(1-c^2))) dr1 dr2 .
 * </pre>
 * The phase of the overlap is carried unchanged (arg c^{l+1} = arg c^l), and |c^{l+1}| = sigma_w^2 K.
 * Numerics: standardized radii x_i = r_i/sqrt(q_i), I_1 = e^z I1e(z) with the exponents merged into
 * exp(-(x1-x2)^2/(1-c^2) - 2 x1 x2/(1+c)), then rotated coordinates u = (x1+x2)/sqrt 2, v = (x1-x2)/sqrt 2 so
 * that the ridge of width sqrt(1-c^2) along x1 = x2 is resolved by its own Gauss-Legendre rule; about 1e-14
 * relative for 0 <= c <= 1 - 1e-9 (no ill-conditioning as c -> 1). Immutable and thread-safe.
 */
public final class BesselKernel {
    /** Outer (u) rule: panels of Gauss-Legendre points on [0, sqrt(50 (1 + c))]. */
    static final int OUTER_PANELS = 12;
    static final int OUTER_NODES = 24;
    /** Inner (v) rule on |v| <= min(u, 9 sqrt((1-c^2)/2)): the Gaussian ridge is below e^-81 outside. */
    static final int INNER_NODES = 48;
    static final double RIDGE_SIGMAS = 9;

    private final Radial radial;
    private final MeanField meanField;
    private final double[][] outer;
    private final double[][] inner;

    private BesselKernel(Radial radial) {
        if (radial == null) {
            throw new IllegalArgumentException("Bessel kernel: expected a radial profile, found null");
        }
        this.radial = radial;
        this.meanField = MeanField.of(radial, 2);
        this.outer = Quadrature.gaussLegendre(OUTER_NODES);
        this.inner = Quadrature.gaussLegendre(INNER_NODES);
    }

    public static BesselKernel of(Radial radial) {
        return new BesselKernel(radial);
    }

    public Radial radial() {
        return radial;
    }

    /** K(q1, q2, c) for q1, q2 >= 0 and 0 <= c < 1 (sigma_w^2 = 1). */
    public double k(double q1, double q2, double c) {
        if (!(q1 >= 0) || !(q2 >= 0) || !Double.isFinite(q1) || !Double.isFinite(q2)) {
            throw new IllegalArgumentException("Bessel kernel: expected finite q1, q2 >= 0, found " + q1 + ", " + q2);
        }
        if (!(c >= 0 && c < 1)) {
            throw new IllegalArgumentException("Bessel kernel: expected 0 <= c < 1, found " + c);
        }
        if (c == 0 || q1 == 0 || q2 == 0) {
            return 0;
        }
        double s = (1 - c) * (1 + c);
        double sq1 = Math.sqrt(q1);
        double sq2 = Math.sqrt(q2);
        double top = Math.sqrt(50 * (1 + c));
        double ridge = RIDGE_SIGMAS * Math.sqrt(0.5 * s);
        double panel = top / OUTER_PANELS;
        double invSqrt2 = Math.sqrt(0.5);
        double total = 0;
        for (int p = 0; p < OUTER_PANELS; p++) {
            double mid = (p + 0.5) * panel;
            for (int i = 0; i < OUTER_NODES; i++) {
                double u = mid + 0.5 * panel * outer[0][i];
                double half = Math.min(u, ridge);
                double sum = 0;
                for (int j = 0; j < INNER_NODES; j++) {
                    double v = half * inner[0][j];
                    double x1 = (u + v) * invSqrt2;
                    double x2 = (u - v) * invSqrt2;
                    double prod = x1 * x2;          // = (u^2 - v^2)/2 >= 0
                    double z = 2 * c * prod / s;
                    double f = x1 * rho(sq1 * x1) * x2 * rho(sq2 * x2)
                            * Math.exp(-2 * v * v / s - 2 * prod / (1 + c)) * Bessel.i1e(z);
                    sum += inner[1][j] * f;
                }
                total += 0.5 * panel * outer[1][i] * half * sum;
            }
        }
        return 4 * total / s;
    }

    /**
     * The modulus map of the normalized overlap, c-hat' = sigma_w^2 K(q, q, c) / q' with q' = sigma_w^2 E[rho^2]
     * the next level's order parameter; at the fixed point q' = q* this is sigma_w^2 K(q*, q*, c) / q*.
     */
    public double cHatMap(double sigmaW, double q, double c) {
        return sigmaW * sigmaW * k(q, q, c) / meanField.map(sigmaW, q);
    }

    /**
     * d c-hat'/dc by a central difference (step min(1e-5, (1-c)/4)); at the fixed point and c -> 1 it tends to
     * chi_1 of SCIENCE b.3.
     */
    public double cHatSlope(double sigmaW, double q, double c) {
        double step = Math.min(1e-5, 0.25 * (1 - c));
        step = Math.min(step, Math.max(c, 1e-12));
        return (cHatMap(sigmaW, q, c + step) - cHatMap(sigmaW, q, c - step)) / (2 * step);
    }

    /**
     * Mean-field modulus orbit c-hat^l, l = 0..depth, for two inputs with equal order parameter q^0 = q0 (the phase
     * is conserved exactly and needs no orbit). Returns NaN from the level where q^l underflows to 0.
     */
    public double[] cHatOrbit(double sigmaW, double q0, double c0, int depth) {
        double[] q = meanField.orbit(sigmaW, q0, depth);
        double[] c = new double[depth + 1];
        c[0] = c0;
        for (int l = 0; l < depth; l++) {
            boolean alive = q[l] > 0 && q[l + 1] > 0 && c[l] >= 0;
            c[l + 1] = alive ? sigmaW * sigmaW * k(q[l], q[l], c[l]) / q[l + 1] : Double.NaN;
        }
        return c;
    }

    private double rho(double r) {
        return r * radial.h(r * r);
    }
}
