package org.goldstone.meanfield;

import org.goldstone.GoldstoneException;
import org.goldstone.group.Group;
import org.goldstone.layer.Radial;

/**
 * Infinite-width single-input mean field of a norm-nonlinearity network (SCIENCE b.1, b.3). With weights as in a.7,
 * a unit's pre-activation is isotropic Gaussian given the previous level, |y|^2 = q u with
 * u ~ Gamma(k/2, scale 2/k) (k = 2 for U(1)), and the order parameter q = E|y|^2 follows
 * <pre>   q' = sigma_w^2 E_u[ q u h(q u)^2 ] = sigma_w^2 E[ rho(r)^2 ],   rho(r) = r h(r^2),  r^2 = q u.</pre>
 * Expectations use a composite Gauss-Legendre rule in the standardized radius (about 1e-15 relative for smooth
 * profiles). The fixed point assumes q'/q = sigma_w^2 E[u h(q u)^2] decreases in q (true when h decreases: ALG,
 * RTANH, GATE with a < 0): q* = 0 iff sigma_w^2 h(0)^2 <= 1. Immutable and thread-safe.
 */
public final class MeanField {
    private final Radial radial;
    private final int k;
    private final double[] x;
    private final double[] w;

    private MeanField(Radial radial, int k) {
        if (radial == null) {
            throw new IllegalArgumentException("mean field: expected a radial profile, found null");
        }
        if (k < 1) {
            throw new IllegalArgumentException("mean field: expected k >= 1, found " + k);
        }
        this.radial = radial;
        this.k = k;
        double[][] rule = Quadrature.radial(k);
        this.x = rule[0];
        this.w = rule[1];
    }

    /** Mean field for units of k real components (U(1) is k = 2). */
    public static MeanField of(Radial radial, int k) {
        return new MeanField(radial, k);
    }

    /** Mean field for the group's units: k = 2 for U(1), k for O(k). */
    public static MeanField of(Radial radial, Group group) {
        if (group == null) {
            throw new IllegalArgumentException("mean field: expected U(1) or O(k), found null");
        }
        return new MeanField(radial, group.unitDim());
    }

    public Radial radial() {
        return radial;
    }

    public int k() {
        return k;
    }

    /** Critical weight scale sigma_c = 1 / h(0) (SCIENCE b.1); infinite when h(0) = 0, 0 when h(0) is infinite. */
    public double criticalSigmaW() {
        return 1 / radial.h0();
    }

    /** One layer of the order-parameter map: q' = sigma_w^2 E_u[q u h(q u)^2]. */
    public double map(double sigmaW, double q) {
        requireQ(q);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double u = x[i] * x[i];
            double hq = radial.h(q * u);
            s += w[i] * u * hq * hq;
        }
        return sigmaW * sigmaW * q * s;
    }

    /** dq'/dq = sigma_w^2 E_u[u h(q u) rho'(r)], rho'(r) = h(r^2) + 2 r^2 h'(r^2), r^2 = q u. */
    public double slope(double sigmaW, double q) {
        requireQ(q);
        if (q == 0) {
            double h0 = radial.h0();
            return sigmaW * sigmaW * h0 * h0;
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double u = x[i] * x[i];
            double qu = q * u;
            double hq = radial.h(qu);
            s += w[i] * u * hq * (hq + 2 * qu * radial.dh(qu));
        }
        return sigmaW * sigmaW * s;
    }

    /** The mean-field orbit q^0 = q0, q^{l+1} = map(q^l), l = 0..depth (depth + 1 values). */
    public double[] orbit(double sigmaW, double q0, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("orbit: expected depth >= 0, found " + depth);
        }
        double[] q = new double[depth + 1];
        q[0] = q0;
        for (int l = 0; l < depth; l++) {
            q[l + 1] = map(sigmaW, q[l]);
        }
        return q;
    }

    /**
     * The fixed point and its multipliers (SCIENCE b.1, b.3). In the broken phase q* solves q'/q = 1 by
     * bisection to machine precision; in the symmetric phase q* = 0 and every multiplier is sigma_w^2 h(0)^2.
     */
    public FixedPoint fixedPoint(double sigmaW) {
        if (!(sigmaW > 0) || !Double.isFinite(sigmaW)) {
            throw new IllegalArgumentException("fixed point: expected finite sigma_w > 0, found " + sigmaW);
        }
        double q = orderParameter(sigmaW);
        double s2 = sigmaW * sigmaW;
        if (q == 0) {
            double h0 = radial.h0();
            double g = s2 * h0 * h0;
            return new FixedPoint(sigmaW, 0, g, g, g, g, depthScale(g));
        }
        double rad = 0;
        double tan = 0;
        for (int i = 0; i < x.length; i++) {
            double r2 = q * x[i] * x[i];
            double hq = radial.h(r2);
            double drho = hq + 2 * r2 * radial.dh(r2);
            rad += w[i] * drho * drho;
            tan += w[i] * hq * hq;
        }
        rad *= s2;
        tan *= s2;
        double chiQ = slope(sigmaW, q);
        return new FixedPoint(sigmaW, q, rad, tan, (rad + (k - 1) * tan) / k, chiQ, depthScale(chiQ));
    }

    /** q* alone: 0 in the symmetric phase, else the root of sigma_w^2 E[u h(q u)^2] = 1. */
    public double orderParameter(double sigmaW) {
        if (gainOverQ(sigmaW, 0) <= 1) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        while (gainOverQ(sigmaW, hi) >= 1) {
            lo = hi;
            hi *= 2;
            if (hi > 1e12) {
                throw new GoldstoneException("fixed point: q'/q stays >= 1 up to q = 1e12 for " + radial
                        + " at sigma_w = " + sigmaW + "; expected a saturating profile");
            }
        }
        for (int iter = 0; iter < 200 && hi - lo > 1e-16 * hi; iter++) {
            double mid = 0.5 * (lo + hi);
            if (gainOverQ(sigmaW, mid) >= 1) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Curvature a of h(q) = h(0) (1 - a q + O(q^2)), i.e. a = -h'(0)/h(0) (RTANH 1/3, ALG 1/2). */
    public double curvatureA() {
        return -radial.dh(0) / radial.h0();
    }

    /**
     * Near-critical expansion (SCIENCE b.1) q* = (1 - 1/(sigma_w^2 h(0)^2)) k / (2 a (k + 2)), valid for
     * sigma_w just above critical; negative below.
     */
    public double nearCriticalQ(double sigmaW) {
        double h0 = radial.h0();
        return (1 - 1 / (sigmaW * sigmaW * h0 * h0)) * k / (2 * curvatureA() * (k + 2));
    }

    /** The power law at criticality, q^l ~ k / (2 a (k + 2) l) for large depth l (SCIENCE b.1). */
    public double criticalDecay(double l) {
        return k / (2 * curvatureA() * (k + 2) * l);
    }

    /**
     * xi = -1 / ln|g| for a per-layer gain |g| < 1 (a negative g, possible for a non-monotone rho such as GATE,
     * relaxes with alternating sign); infinite for |g| >= 1.
     */
    static double depthScale(double g) {
        double a = Math.abs(g);
        return a < 1 ? -1 / Math.log(a) : Double.POSITIVE_INFINITY;
    }

    /** q'/q = sigma_w^2 E_u[u h(q u)^2]; at q = 0 it is sigma_w^2 h(0)^2 (E u = 1). */
    private double gainOverQ(double sigmaW, double q) {
        if (q == 0) {
            double h0 = radial.h0();
            return sigmaW * sigmaW * h0 * h0;
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double u = x[i] * x[i];
            double hq = radial.h(q * u);
            s += w[i] * u * hq * hq;
        }
        return sigmaW * sigmaW * s;
    }

    private static void requireQ(double q) {
        if (!(q >= 0) || !Double.isFinite(q)) {
            throw new IllegalArgumentException("mean field: expected finite q >= 0, found " + q);
        }
    }

    @Override
    public String toString() {
        return "MeanField[" + radial.profile() + ", k = " + k + "]";
    }
}
