package org.goldstone.meanfield;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.layer.Radial;

/**
 * The order-parameter phase diagram of SCIENCE b.5 (items 1-2): mean-field q* and multipliers against seeded
 * finite-width simulations over a sweep of sigma_w, depth profiles q^l below, at and above the critical point, and
 * the measured critical sigma_w. Computes only; the CLI prints and plots.
 */
public final class PhaseDiagram {
    /** Depth profiles are drawn at these multiples of sigma_c: below, at, above. */
    static final double[] PROFILE_FACTORS = {0.9, 1.0, 1.2};
    /** Points of the mean-field curve. */
    static final int CURVE_POINTS = 201;

    private PhaseDiagram() {
    }

    /**
     * One sweep.
     *
     * @param radial the norm nonlinearity
     * @param group U(1) or O(k)
     * @param from smallest sigma_w, > 0
     * @param to largest sigma_w, > from
     * @param points sigma_w values, >= 2, evenly spaced in sigma_w
     * @param n simulated width
     * @param depth simulated depth (>= 8; the critical estimate crosses L/4 and L)
     * @param seeds independent simulations per point
     * @param batch independent inputs per simulation
     * @param q0 input order parameter E|y^0|^2
     * @param seed root seed
     * @param sampling the finite-width sampler
     */
    public record Config(Radial radial, Group group, double from, double to, int points, int n, int depth, int seeds,
                         int batch, double q0, long seed, FiniteWidth.Sampling sampling) {
        public Config {
            if (radial == null || group == null || sampling == null) {
                throw new IllegalArgumentException("phase diagram: expected radial, group and sampling, found "
                        + radial + ", " + group + ", " + sampling);
            }
            if (!(from > 0) || !Double.isFinite(from)) {
                throw new IllegalArgumentException("phase diagram: expected from > 0, found " + from);
            }
            if (!(to > from) || !Double.isFinite(to)) {
                throw new IllegalArgumentException("phase diagram: expected from < to, found from = " + from
                        + ", to = " + to);
            }
            if (points < 2) {
                throw new IllegalArgumentException("phase diagram: expected points >= 2, found " + points);
            }
            if (n < 1) {
                throw new IllegalArgumentException("phase diagram: expected width >= 1, found " + n);
            }
            if (depth < 8) {
                throw new IllegalArgumentException("phase diagram: expected depth >= 8, found " + depth);
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("phase diagram: expected seeds >= 1, found " + seeds);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("phase diagram: expected batch >= 1, found " + batch);
            }
            if (!(q0 > 0) || !Double.isFinite(q0)) {
                throw new IllegalArgumentException("phase diagram: expected q0 > 0, found " + q0);
            }
        }

        FiniteWidth.Setup setup(double sigmaW) {
            return new FiniteWidth.Setup(radial, group, n, depth, sigmaW, sampling);
        }
    }

    /** One sweep point: mean field and the seed mean and standard deviation of the simulated q^L. */
    public record Row(double sigmaW, FixedPoint meanField, double qSimulated, double qSimulatedStd) {
    }

    /** q^l, l = 0..depth, from the mean-field orbit and the seed-averaged simulation at one sigma_w. */
    public record DepthProfile(double sigmaW, double[] meanField, double[] simulated) {
    }

    /**
     * Everything of one sweep.
     *
     * @param curve mean-field {sigma_w^2, q*} on a fine grid over the sweep
     * @param measured the crossing estimate of sigma_c, or null where the profile has no continuous transition
     *                 (h(0) zero or infinite)
     */
    public record Result(Config config, double criticalSigmaW, List<Row> rows, double[][] curve,
                         List<DepthProfile> profiles, FiniteWidth.Critical measured) {
    }

    public static Result run(Config c) {
        MeanField mf = MeanField.of(c.radial(), c.group());
        double sigmaC = mf.criticalSigmaW();
        List<Row> rows = new ArrayList<>(c.points());
        for (int i = 0; i < c.points(); i++) {
            double s = c.from() + (c.to() - c.from()) * i / (c.points() - 1);
            double[] qs = new double[c.seeds()];
            double mean = 0;
            SplittableRandom root = new SplittableRandom(c.seed() + 1000003L * i);
            for (int r = 0; r < c.seeds(); r++) {
                double[] q = FiniteWidth.orderParameter(c.setup(s), c.batch(), c.q0(), root.split());
                qs[r] = q[c.depth()];
                mean += qs[r];
            }
            mean /= c.seeds();
            double var = 0;
            for (double q : qs) {
                var += (q - mean) * (q - mean);
            }
            double std = c.seeds() > 1 ? Math.sqrt(var / (c.seeds() - 1)) : 0;
            rows.add(new Row(s, mf.fixedPoint(s), mean, std));
        }
        double[][] curve = new double[2][CURVE_POINTS];
        for (int i = 0; i < CURVE_POINTS; i++) {
            double s = c.from() + (c.to() - c.from()) * i / (CURVE_POINTS - 1);
            curve[0][i] = s * s;
            curve[1][i] = mf.orderParameter(s);
        }
        boolean continuous = sigmaC > 0 && Double.isFinite(sigmaC);
        List<DepthProfile> profiles = new ArrayList<>();
        if (continuous) {
            for (int f = 0; f < PROFILE_FACTORS.length; f++) {
                double s = PROFILE_FACTORS[f] * sigmaC;
                double[] sim = new double[c.depth() + 1];
                SplittableRandom root = new SplittableRandom(c.seed() + 7919L * (f + 1));
                for (int r = 0; r < c.seeds(); r++) {
                    double[] q = FiniteWidth.orderParameter(c.setup(s), c.batch(), c.q0(), root.split());
                    for (int l = 0; l < q.length; l++) {
                        sim[l] += q[l] / c.seeds();
                    }
                }
                profiles.add(new DepthProfile(s, mf.orbit(s, c.q0(), c.depth()), sim));
            }
        }
        FiniteWidth.Critical measured = continuous ? FiniteWidth.criticalSigmaW(c.setup(sigmaC), c.batch(), c.q0(),
                c.seeds(), c.seed(), 0.75 * sigmaC, 1.35 * sigmaC) : null;
        return new Result(c, sigmaC, rows, curve, profiles, measured);
    }
}
