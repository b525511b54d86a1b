package org.goldstone.meanfield;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import org.goldstone.GoldstoneException;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.group.OrthogonalGroup;
import org.goldstone.layer.Radial;

/**
 * Seeded finite-width simulations of the internal stack Y^l = W^l Z^{l-1}, Z^l = f(Y^l), f(y) = h(|y|^2) y per unit,
 * with fresh weights at every layer (SCIENCE a.7: circular complex W with E|W|^2 = sigma_w^2/n for U(1), real
 * N(0, sigma_w^2/n) for O(k)), fp64. Two samplers of the same law:
 * <ul>
 *   <li>{@link Sampling#WEIGHTS}: draws every n x n weight matrix and multiplies (cost n^2 batch per layer);</li>
 *   <li>{@link Sampling#GRAM}: given Z^{l-1}, the rows of Y^l are i.i.d. Gaussian with covariance sigma_w^2/n times
 *       the Gram matrix of Z^{l-1} over (input, component); sampling them through its Cholesky factor is exact in
 *       law for fresh weights and costs n (batch k)^2 per layer.</li>
 * </ul>
 * The level-0 pre-activations are drawn directly, isotropic Gaussian with E|y|^2 = q0 per unit. Also the critical
 * weight scale measured from simulations ({@link #criticalSigmaW}).
 */
public final class FiniteWidth {
    /** How the pre-activations of a layer are drawn. */
    public enum Sampling { WEIGHTS, GRAM }

    /** Row blocks of the weight sampler; fixed, so results do not depend on the number of cores. */
    static final int BLOCKS = 16;
    /** Relative bracket width at which the critical-point bisection stops. */
    static final double TOLERANCE = 1e-4;

    private FiniteWidth() {
    }

    /**
     * One simulated stack.
     *
     * @param radial the norm nonlinearity
     * @param group U(1) or O(k)
     * @param n channels (units) per layer
     * @param depth internal layers L
     * @param sigmaW weight scale
     * @param sampling weight matrices or the exact Gram sampler
     */
    public record Setup(Radial radial, Group group, int n, int depth, double sigmaW, Sampling sampling) {
        public Setup {
            if (radial == null || group == null || sampling == null) {
                throw new IllegalArgumentException("finite width: expected radial, group and sampling, found "
                        + radial + ", " + group + ", " + sampling);
            }
            if (n < 1) {
                throw new IllegalArgumentException("finite width: expected n >= 1, found " + n);
            }
            if (depth < 1) {
                throw new IllegalArgumentException("finite width: expected depth >= 1, found " + depth);
            }
            if (!(sigmaW > 0) || !Double.isFinite(sigmaW)) {
                throw new IllegalArgumentException("finite width: expected finite sigma_w > 0, found " + sigmaW);
            }
        }

        public Setup withSigmaW(double s) {
            return new Setup(radial, group, n, depth, s, sampling);
        }

        public Setup withDepth(int d) {
            return new Setup(radial, group, n, d, sigmaW, sampling);
        }

        boolean complex() {
            return !(group instanceof OrthogonalGroup);
        }
    }

    /**
     * Two-input trace per level l = 0..depth: order parameters q1, q2, the overlap modulus c-hat = |c12|/sqrt(q1 q2)
     * and phase arg c12 of c12 = (1/n) sum_j y_j(x1) conj(y_j(x2)) (SCIENCE b.2).
     */
    public record PhaseTrace(double[] q1, double[] q2, double[] cHat, double[] phase) {
        /** |arg c^to - arg c^from| wrapped into [0, pi]. */
        public double phaseDrift(int from, int to) {
            double d = Math.IEEEremainder(phase[to] - phase[from], 2 * Math.PI);
            return Math.abs(d);
        }
    }

    /**
     * The crossing estimate of the critical weight scale.
     *
     * @param sigmaW measured sigma_c
     * @param meanField mean-field sigma_c = 1/h(0)
     * @param shallow the shallower depth L/4 of the two L q_L curves
     * @param deep the deeper depth L
     * @param evaluations simulated sweeps (each over all seeds) spent
     */
    public record Critical(double sigmaW, double meanField, int shallow, int deep, int evaluations) {
        public double relativeError() {
            return sigmaW / meanField - 1;
        }
    }

    /** q^l, l = 0..depth: the mean of |y_j^l(x_b)|^2 over units j and a batch of independent inputs. */
    public static double[] orderParameter(Setup setup, int batch, double q0, SplittableRandom rng) {
        if (batch < 1) {
            throw new IllegalArgumentException("finite width: expected batch >= 1, found " + batch);
        }
        requireQ0(q0);
        int d = setup.group().unitDim();
        double[] y = new double[setup.n() * batch * d];
        double scale = Math.sqrt(q0 / (setup.complex() ? 2 : d));
        for (int i = 0; i < y.length; i++) {
            y[i] = scale * rng.nextGaussian();
        }
        Propagator stack = new Propagator(setup, batch);
        double[] q = new double[setup.depth() + 1];
        q[0] = meanSquare(y, 0, batch, batch, setup.n(), d);
        for (int l = 1; l <= setup.depth(); l++) {
            y = stack.layer(y, rng);
            q[l] = meanSquare(y, 0, batch, batch, setup.n(), d);
        }
        return q;
    }

    /**
     * Two U(1) inputs with E|y|^2 = q0 and level-0 overlap c-hat0 e^{i phase0}, propagated through the stack
     * (SCIENCE b.2, g.17).
     */
    public static PhaseTrace twoInputs(Setup setup, double q0, double cHat0, double phase0, SplittableRandom rng) {
        if (!setup.complex()) {
            throw new IllegalArgumentException("two-input phase: expected group U(1), found " + setup.group());
        }
        requireQ0(q0);
        if (!(cHat0 >= 0 && cHat0 <= 1)) {
            throw new IllegalArgumentException("two-input phase: expected 0 <= c-hat0 <= 1, found " + cHat0);
        }
        int n = setup.n();
        double[] y = new double[n * 4];
        double s = Math.sqrt(q0 / 2);
        double t = Math.sqrt(1 - cHat0 * cHat0);
        double cr = Math.cos(phase0);
        double ci = -Math.sin(phase0);           // y2 = e^{-i phase0}(...) so that arg E[y1 conj y2] = phase0
        for (int j = 0; j < n; j++) {
            double g1r = s * rng.nextGaussian();
            double g1i = s * rng.nextGaussian();
            double g2r = s * rng.nextGaussian();
            double g2i = s * rng.nextGaussian();
            double ar = cHat0 * g1r + t * g2r;
            double ai = cHat0 * g1i + t * g2i;
            y[4 * j] = g1r;
            y[4 * j + 1] = g1i;
            y[4 * j + 2] = cr * ar - ci * ai;
            y[4 * j + 3] = cr * ai + ci * ar;
        }
        Propagator stack = new Propagator(setup, 2);
        int levels = setup.depth() + 1;
        double[] q1 = new double[levels];
        double[] q2 = new double[levels];
        double[] cHat = new double[levels];
        double[] phase = new double[levels];
        overlap(y, n, 0, q1, q2, cHat, phase);
        for (int l = 1; l < levels; l++) {
            y = stack.layer(y, rng);
            overlap(y, n, l, q1, q2, cHat, phase);
        }
        return new PhaseTrace(q1, q2, cHat, phase);
    }

    /**
     * The O(k) two-input trace of SCIENCE b.5 item 5: two inputs whose level-0 per-unit pre-activations are jointly
     * Gaussian with E[y1 y1^T] = E[y2 y2^T] = (q0/k) I and cross-covariance c0 (k x k), propagated through the
     * stack; per level l = 0..depth the Frobenius distance of the polar factor of C_12^l = (1/n) sum_j y_j(x1)
     * y_j(x2)^T from that of C_12^0, and the normalized overlap |C_12^l|_F / sqrt(q1^l q2^l) (q the mean |y|^2).
     */
    public record PolarTrace(double[] polarDistance, double[] overlap) {
    }

    /** See {@link PolarTrace}; O(k) only. */
    public static PolarTrace polarTrace(Setup setup, double q0, double[][] c0, SplittableRandom rng) {
        if (setup.complex()) {
            throw new IllegalArgumentException("polar trace: expected an O(k) group, found " + setup.group());
        }
        requireQ0(q0);
        int k = setup.group().unitDim();
        int n = setup.n();
        // one draw per unit from the joint law, through the Cholesky factor CrossCovariance uses
        double[][] pair = CrossCovariance.pairFactor(q0, q0, c0);
        double[] y = new double[n * 2 * k];
        double[] g = new double[2 * k];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < 2 * k; i++) {
                g[i] = rng.nextGaussian();
            }
            for (int i = 0; i < 2 * k; i++) {
                double v = 0;
                for (int m = 0; m <= i; m++) {
                    v += pair[i][m] * g[m];
                }
                y[j * 2 * k + i] = v;
            }
        }
        Propagator stack = new Propagator(setup, 2);
        double[] dist = new double[setup.depth() + 1];
        double[] overlap = new double[setup.depth() + 1];
        double[][] start = CrossCovariance.polarFactor(crossCovariance(y, n, k));
        for (int l = 0; l <= setup.depth(); l++) {
            if (l > 0) {
                y = stack.layer(y, rng);
            }
            double[][] c = crossCovariance(y, n, k);
            dist[l] = CrossCovariance.distance(CrossCovariance.polarFactor(c), start);
            double q1 = 0;
            double q2 = 0;
            for (int j = 0; j < n; j++) {
                for (int a = 0; a < k; a++) {
                    q1 += y[j * 2 * k + a] * y[j * 2 * k + a];
                    q2 += y[j * 2 * k + k + a] * y[j * 2 * k + k + a];
                }
            }
            overlap[l] = CrossCovariance.distance(c, new double[k][k]) / Math.sqrt(q1 / n * q2 / n);
        }
        return new PolarTrace(dist, overlap);
    }

    /** (1/n) sum_j y_j(x1) y_j(x2)^T for the two-input layout. */
    private static double[][] crossCovariance(double[] y, int n, int k) {
        double[][] c = new double[k][k];
        for (int j = 0; j < n; j++) {
            int u = j * 2 * k;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    c[a][b] += y[u + a] * y[u + k + b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                c[a][b] /= n;
            }
        }
        return c;
    }

    /**
     * The exact finite-width statement of SCIENCE b.2 (g.17): the second input is the first acted on by a group
     * element, y_0(x2) = g y_0(x1) per unit (g acts on the unit's real components: for U(1) e^{ia} as a rotation,
     * for O(k) any element of O(k)), and through the same explicit weights every
     * level keeps y_l(x2) = g y_l(x1), since f(g y) = g f(y) and W acts on units, not on components. Returns per level
     * l = 0..depth max_j |y_l(x2)_j - g y_l(x1)_j| / max_j |y_l(x1)_j| (0 at l = 0, rounding after).
     */
    public static double[] groupActionError(Setup setup, double q0, GroupElement element, SplittableRandom rng) {
        requireWeights(setup, "group action");
        requireQ0(q0);
        int d = setup.group().unitDim();
        double[][] g = CrossCovariance.matrix(element);
        requireOrthogonal(g, d);
        int n = setup.n();
        double[] y = new double[n * 2 * d];
        double scale = Math.sqrt(q0 / d);
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < d; a++) {
                y[j * 2 * d + a] = scale * rng.nextGaussian();
            }
            apply(g, y, j * 2 * d, y, j * 2 * d + d, d);
        }
        Propagator stack = new Propagator(setup, 2);
        double[] err = new double[setup.depth() + 1];
        err[0] = actionError(y, g, n, d);
        for (int l = 1; l <= setup.depth(); l++) {
            y = stack.layer(y, rng);
            err[l] = actionError(y, g, n, d);
        }
        return err;
    }

    /**
     * The Goldstone direction of the deep Jacobian (SCIENCE b.2, b.5 item 4, g.17): forward-mode tangents through
     * explicit weights, t_l = J_{0->l} t_0, once along the generator direction t_0 = A y_0 (A antisymmetric d x d:
     * i for U(1), a rotation generator for O(k)) and once along a random direction of the same norm, with the same
     * weights. Equivariance makes the first exact: J_{0->l}(A y_0) = A y_l.
     *
     * @param generatorError per level, max_j |t_l,j - (A y_l)_j| / max_j |(A y_l)_j|
     * @param goldstoneGain |t_L| / |t_0| along A y_0 (= |y_L| / |y_0|)
     * @param randomGain |t_L| / |t_0| along the random direction (about chi_1^{L/2} in mean field)
     */
    public record Tangent(double[] generatorError, double goldstoneGain, double randomGain) {
    }

    /** See {@link Tangent}; {@code a} is the d x d antisymmetric generator. */
    public static Tangent tangent(Setup setup, double q0, double[][] a, SplittableRandom rng) {
        requireWeights(setup, "tangent");
        requireQ0(q0);
        int d = setup.group().unitDim();
        requireSquare(a, d, "tangent", "generator");
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                if (Math.abs(a[r][c] + a[c][r]) > 1e-12) {
                    throw new IllegalArgumentException("tangent: expected an antisymmetric generator, found A["
                            + r + "][" + c + "] = " + a[r][c] + " and A[" + c + "][" + r + "] = " + a[c][r]);
                }
            }
        }
        int n = setup.n();
        double scale = Math.sqrt(q0 / d);
        double[] y0 = new double[n * d];
        for (int i = 0; i < y0.length; i++) {
            y0[i] = scale * rng.nextGaussian();
        }
        long weights = rng.nextLong();                 // both propagations draw the same weights from this seed
        double[] random = new double[n * d];
        for (int i = 0; i < random.length; i++) {
            random[i] = rng.nextGaussian();
        }
        double[] along = new double[n * d];
        for (int j = 0; j < n; j++) {
            apply(a, y0, j * d, along, j * d, d);
        }
        double[] errors = new double[setup.depth() + 1];
        double goldstone = propagateTangent(setup, y0, along, new SplittableRandom(weights), errors, a);
        double rnd = propagateTangent(setup, y0, random, new SplittableRandom(weights), null, null);
        return new Tangent(errors, goldstone, rnd);
    }

    /** |t_L| / |t_0| through the stack; with {@code a}, errors[l] = max_j |t_l - A y_l| / max_j |A y_l|. */
    private static double propagateTangent(Setup setup, double[] y0, double[] t0, SplittableRandom rng,
                                           double[] errors, double[][] a) {
        int n = setup.n();
        int d = setup.group().unitDim();
        double[] y = new double[n * 2 * d];
        for (int j = 0; j < n; j++) {
            System.arraycopy(y0, j * d, y, j * 2 * d, d);
            System.arraycopy(t0, j * d, y, j * 2 * d + d, d);
        }
        double norm0 = tangentNorm(y, n, d);
        if (errors != null) {
            errors[0] = generatorError(y, a, n, d);
        }
        Propagator stack = new Propagator(setup, 2, true);
        for (int l = 1; l <= setup.depth(); l++) {
            y = stack.layer(y, rng);
            if (errors != null) {
                errors[l] = generatorError(y, a, n, d);
            }
        }
        return tangentNorm(y, n, d) / norm0;
    }

    private static double tangentNorm(double[] y, int n, int d) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < d; c++) {
                double t = y[j * 2 * d + d + c];
                s += t * t;
            }
        }
        return Math.sqrt(s);
    }

    /** max_j |t_j - (A y)_j| / max_j |(A y)_j| for the [point, tangent] layout. */
    private static double generatorError(double[] y, double[][] a, int n, int d) {
        return pairError(y, a, n, d, true);
    }

    /** max_j |y(x2)_j - g y(x1)_j| / max_j |y(x1)_j| for the two-input layout. */
    private static double actionError(double[] y, double[][] g, int n, int d) {
        return pairError(y, g, n, d, false);
    }

    /**
     * max_j |second_j - (m first)_j| over units, each unit laid out [first (d), second (d)], divided by max_j of
     * |m first_j| ({@code byImage}) or of |first_j|.
     */
    private static double pairError(double[] y, double[][] m, int n, int d, boolean byImage) {
        double[] mx = new double[d];
        double worst = 0;
        double scale = 0;
        for (int j = 0; j < n; j++) {
            int u = j * 2 * d;
            apply(m, y, u, mx, 0, d);
            double e = 0;
            double s = 0;
            for (int c = 0; c < d; c++) {
                double diff = y[u + d + c] - mx[c];
                e += diff * diff;
                s += byImage ? mx[c] * mx[c] : y[u + c] * y[u + c];
            }
            worst = Math.max(worst, Math.sqrt(e));
            scale = Math.max(scale, Math.sqrt(s));
        }
        return worst / scale;
    }

    /** out[outAt .. + d) = m x[xAt .. + d). */
    private static void apply(double[][] m, double[] x, int xAt, double[] out, int outAt, int d) {
        for (int r = 0; r < d; r++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += m[r][c] * x[xAt + c];
            }
            out[outAt + r] = s;
        }
    }

    private static void requireWeights(Setup setup, String what) {
        if (setup.sampling() != Sampling.WEIGHTS) {
            throw new IllegalArgumentException(what + ": expected explicit weights (Sampling.WEIGHTS: the same W for"
                    + " both columns), found " + setup.sampling());
        }
    }

    /** m is d x d, or an error "what: expected a d x d noun, found ..." naming the row count or the bad row. */
    private static void requireSquare(double[][] m, int d, String what, String noun) {
        if (m.length != d) {
            throw new IllegalArgumentException(what + ": expected a " + d + " x " + d + " " + noun + ", found "
                    + m.length + " rows");
        }
        for (double[] row : m) {
            if (row.length != d) {
                throw new IllegalArgumentException(what + ": expected a " + d + " x " + d + " " + noun
                        + ", found a row of " + row.length);
            }
        }
    }

    private static void requireOrthogonal(double[][] g, int d) {
        requireSquare(g, d, "group action", "matrix");
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += g[i][r] * g[i][c];
                }
                if (Math.abs(dot - (r == c ? 1 : 0)) > 1e-12) {
                    throw new IllegalArgumentException("group action: expected an orthogonal matrix, found (g^T g)["
                            + r + "][" + c + "] = " + dot);
                }
            }
        }
    }

    /**
     * Measured critical weight scale: the sigma_w where the seed-averaged curves L q_L at depths L/4 and L cross
     * (finite-size scaling: at criticality q_L ~ 1/(b L), so L q_L is depth independent to leading order; below,
     * L q_L falls with depth, above it grows). Every sigma_w uses the same seeds (common random numbers), so the
     * difference is continuous in sigma_w; the root is found by bisection to 1e-4 relative in [lo, hi] (the
     * difference spans orders of magnitude across the bracket, so secant steps gain little). Applied to the
     * mean-field recursion itself, the estimator is off by at most about 1e-3 at depth 100 and 3e-4 at depth 200
     * (q0 = 1; ALG, RTANH, GATE).
     *
     * @param setup n, depth (= L >= 8), sampling, radial, group; its sigma_w is ignored
     * @throws GoldstoneException when the curves do not cross inside [lo, hi]
     */
    public static Critical criticalSigmaW(Setup setup, int batch, double q0, int seeds, long seed, double lo,
                                         double hi) {
        if (setup.depth() < 8) {
            throw new IllegalArgumentException("critical sigma_w: expected depth >= 8, found " + setup.depth());
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("critical sigma_w: expected seeds >= 1, found " + seeds);
        }
        if (!(lo > 0 && hi > lo)) {
            throw new IllegalArgumentException("critical sigma_w: expected 0 < lo < hi, found " + lo + ", " + hi);
        }
        int deep = setup.depth();
        int shallow = deep / 4;
        double fa = crossing(setup.withSigmaW(lo), batch, q0, seeds, seed, shallow);
        double fb = crossing(setup.withSigmaW(hi), batch, q0, seeds, seed, shallow);
        int evaluations = 2;
        if (!(fa < 0 && fb > 0)) {
            throw new GoldstoneException("critical sigma_w: expected L q_L curves (L = " + shallow + ", " + deep
                    + ") to cross in [" + lo + ", " + hi + "], found differences " + fa + ", " + fb);
        }
        double a = lo;
        double b = hi;
        while (b - a > TOLERANCE * b) {
            double x = 0.5 * (a + b);
            double fx = crossing(setup.withSigmaW(x), batch, q0, seeds, seed, shallow);
            evaluations++;
            if (fx < 0) {
                a = x;
            } else {
                b = x;
            }
        }
        double found = 0.5 * (a + b);
        return new Critical(found, setup.radial().criticalSigmaW(), shallow, deep, evaluations);
    }

    /** L q_L - (L/4) q_{L/4}, q averaged over seeds (the same seeds at every sigma_w). */
    private static double crossing(Setup setup, int batch, double q0, int seeds, long seed, int shallow) {
        double qs = 0;
        double qd = 0;
        SplittableRandom root = new SplittableRandom(seed);
        for (int s = 0; s < seeds; s++) {
            double[] q = orderParameter(setup, batch, q0, root.split());
            qs += q[shallow];
            qd += q[setup.depth()];
        }
        return (setup.depth() * qd - shallow * qs) / seeds;
    }

    private static void overlap(double[] y, int n, int l, double[] q1, double[] q2, double[] cHat, double[] phase) {
        double a = 0;
        double b = 0;
        double re = 0;
        double im = 0;
        for (int j = 0; j < n; j++) {
            double xr = y[4 * j];
            double xi = y[4 * j + 1];
            double zr = y[4 * j + 2];
            double zi = y[4 * j + 3];
            a += xr * xr + xi * xi;
            b += zr * zr + zi * zi;
            re += xr * zr + xi * zi;             // y1 conj(y2)
            im += xi * zr - xr * zi;
        }
        q1[l] = a / n;
        q2[l] = b / n;
        cHat[l] = Math.hypot(re, im) / Math.sqrt(a * b);
        phase[l] = Math.atan2(im, re);
    }

    /** Mean |y|^2 per unit over inputs [from, to) of a batch. */
    private static double meanSquare(double[] y, int from, int to, int batch, int n, int d) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            int base = (j * batch + from) * d;
            int end = (j * batch + to) * d;
            for (int i = base; i < end; i++) {
                s += y[i] * y[i];
            }
        }
        return s / ((double) n * (to - from));
    }

    private static void requireQ0(double q0) {
        if (!(q0 > 0) || !Double.isFinite(q0)) {
            throw new IllegalArgumentException("finite width: expected finite q0 > 0, found " + q0);
        }
    }

    /**
     * One stack's layer step. Layout of y and z: [unit j][input b][component a], component a = (Re, Im) for U(1)
     * and the k-vector for O(k); a unit's batch block is the contiguous row of dim = batch d values.
     */
    static final class Propagator {
        private final Setup setup;
        private final int batch;
        private final int d;
        private final int dim;
        private final double[] z;

        /** True: input 1 of every unit is the tangent of input 0 (forward-mode Jacobian, the same weights). */
        private final boolean tangent;

        Propagator(Setup setup, int batch) {
            this(setup, batch, false);
        }

        Propagator(Setup setup, int batch, boolean tangent) {
            if (tangent && batch != 2) {
                throw new IllegalArgumentException("tangent propagation: expected batch 2 (point, tangent), found "
                        + batch);
            }
            this.setup = setup;
            this.batch = batch;
            this.d = setup.group().unitDim();
            this.dim = batch * d;
            this.z = new double[setup.n() * dim];
            this.tangent = tangent;
        }

        /** Z = f(y), then the next pre-activations; returns a new array. */
        double[] layer(double[] y, SplittableRandom rng) {
            activate(y);
            return setup.sampling() == Sampling.WEIGHTS ? byWeights(rng) : byGram(rng);
        }

        private void activate(double[] y) {
            Radial radial = setup.radial();
            if (tangent) {
                // z = h(|y|^2) y and its derivative along t: dz = h t + 2 h'(|y|^2) (y . t) y
                for (int u = 0; u < y.length; u += dim) {
                    double q = 0;
                    double yt = 0;
                    for (int a = 0; a < d; a++) {
                        q += y[u + a] * y[u + a];
                        yt += y[u + a] * y[u + d + a];
                    }
                    double h = radial.h(q);
                    double g = 2 * radial.dh(q) * yt;
                    for (int a = 0; a < d; a++) {
                        z[u + a] = h * y[u + a];
                        z[u + d + a] = h * y[u + d + a] + g * y[u + a];
                    }
                }
                return;
            }
            for (int u = 0; u < y.length; u += d) {
                double q = 0;
                for (int a = 0; a < d; a++) {
                    q += y[u + a] * y[u + a];
                }
                double h = radial.h(q);
                for (int a = 0; a < d; a++) {
                    z[u + a] = h * y[u + a];
                }
            }
        }

        private double[] byWeights(SplittableRandom rng) {
            int n = setup.n();
            double[] y = new double[n * dim];
            SplittableRandom[] streams = new SplittableRandom[BLOCKS];
            for (int b = 0; b < BLOCKS; b++) {
                streams[b] = rng.split();
            }
            // blocks are handed out by a counter to the caller and the pool's helpers; each block owns its stream, so
            // the result does not depend on which thread ran it
            AtomicInteger next = new AtomicInteger();
            Runnable worker = () -> {
                for (int b = next.getAndIncrement(); b < BLOCKS; b = next.getAndIncrement()) {
                    weightRows(y, (int) ((long) n * b / BLOCKS), (int) ((long) n * (b + 1) / BLOCKS), streams[b]);
                }
            };
            int helpers = Math.min(BLOCKS - 1, Runtime.getRuntime().availableProcessors() - 1);
            List<ForkJoinTask<?>> tasks = new ArrayList<>(helpers);
            for (int i = 0; i < helpers; i++) {
                tasks.add(ForkJoinPool.commonPool().submit(worker));
            }
            worker.run();
            for (ForkJoinTask<?> t : tasks) {
                t.join();
            }
            return y;
        }

        /** Rows [from, to) of y = W z with W drawn row by row (never stored whole). */
        private void weightRows(double[] y, int from, int to, SplittableRandom rng) {
            int n = setup.n();
            boolean complex = setup.complex();
            double std = complex ? setup.sigmaW() / Math.sqrt(2.0 * n) : setup.sigmaW() / Math.sqrt(n);
            double[] wr = new double[n];
            double[] wi = new double[n];
            for (int j = from; j < to; j++) {
                int out = j * dim;
                if (complex) {
                    for (int m = 0; m < n; m++) {
                        wr[m] = std * rng.nextGaussian();
                        wi[m] = std * rng.nextGaussian();
                    }
                    for (int m = 0; m < n; m++) {
                        double ar = wr[m];
                        double ai = wi[m];
                        int in = m * dim;
                        for (int i = 0; i < dim; i += 2) {
                            double xr = z[in + i];
                            double xi = z[in + i + 1];
                            y[out + i] += ar * xr - ai * xi;
                            y[out + i + 1] += ar * xi + ai * xr;
                        }
                    }
                } else {
                    for (int m = 0; m < n; m++) {
                        wr[m] = std * rng.nextGaussian();
                    }
                    for (int m = 0; m < n; m++) {
                        double a = wr[m];
                        int in = m * dim;
                        for (int i = 0; i < dim; i++) {
                            y[out + i] += a * z[in + i];
                        }
                    }
                }
            }
        }

        /** Rows of y ~ N(0, C) i.i.d., C the (batch d) x (batch d) covariance of one row given z. */
        private double[] byGram(SplittableRandom rng) {
            int n = setup.n();
            double[] m = new double[dim * dim];
            for (int j = 0; j < n; j++) {
                int in = j * dim;
                for (int r = 0; r < dim; r++) {
                    double zr = z[in + r];
                    int row = r * dim;
                    for (int c = 0; c <= r; c++) {
                        m[row + c] += zr * z[in + c];
                    }
                }
            }
            double[] cov = new double[dim * dim];
            double s2 = setup.sigmaW() * setup.sigmaW();
            if (setup.complex()) {
                // circular W = A + iB, A, B ~ N(0, sigma^2/(2n)): Cov(Re y_b, Re y_b') = Cov(Im y_b, Im y_b')
                // = s (zr.zr' + zi.zi'), Cov(Re y_b, Im y_b') = s (zr.zi' - zi.zr')
                double s = s2 / (2.0 * n);
                for (int b = 0; b < batch; b++) {
                    for (int c = 0; c < batch; c++) {
                        double rr = sym(m, 2 * b, 2 * c);
                        double ii = sym(m, 2 * b + 1, 2 * c + 1);
                        double ri = sym(m, 2 * b, 2 * c + 1);
                        double ir = sym(m, 2 * b + 1, 2 * c);
                        cov[(2 * b) * dim + 2 * c] = s * (rr + ii);
                        cov[(2 * b + 1) * dim + 2 * c + 1] = s * (rr + ii);
                        cov[(2 * b) * dim + 2 * c + 1] = s * (ri - ir);
                        cov[(2 * b + 1) * dim + 2 * c] = s * (ir - ri);
                    }
                }
            } else {
                double s = s2 / n;
                for (int r = 0; r < dim; r++) {
                    for (int c = 0; c < dim; c++) {
                        cov[r * dim + c] = s * sym(m, r, c);
                    }
                }
            }
            double[] chol = choleskySemidefinite(cov, dim);
            double[] y = new double[n * dim];
            double[] g = new double[dim];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < dim; i++) {
                    g[i] = rng.nextGaussian();
                }
                int out = j * dim;
                for (int r = 0; r < dim; r++) {
                    double acc = 0;
                    int row = r * dim;
                    for (int c = 0; c <= r; c++) {
                        acc += chol[row + c] * g[c];
                    }
                    y[out + r] = acc;
                }
            }
            return y;
        }

        private double sym(double[] lower, int r, int c) {
            return r >= c ? lower[r * dim + c] : lower[c * dim + r];
        }
    }

    /**
     * Lower Cholesky factor of a symmetric positive semidefinite matrix (row-major, size dim); a pivot below
     * 1e-13 of the largest diagonal entry marks a dependent direction (for example collinear inputs) and its column
     * is set to 0, which keeps L L^T = C to that tolerance.
     */
    static double[] choleskySemidefinite(double[] a, int dim) {
        double maxDiag = 0;
        for (int i = 0; i < dim; i++) {
            maxDiag = Math.max(maxDiag, a[i * dim + i]);
        }
        double tol = 1e-13 * maxDiag;
        double[] l = new double[dim * dim];
        for (int c = 0; c < dim; c++) {
            double diag = a[c * dim + c];
            for (int p = 0; p < c; p++) {
                diag -= l[c * dim + p] * l[c * dim + p];
            }
            if (diag <= tol) {
                continue;                          // dependent direction: column stays 0
            }
            double root = Math.sqrt(diag);
            l[c * dim + c] = root;
            for (int r = c + 1; r < dim; r++) {
                double s = a[r * dim + c];
                for (int p = 0; p < c; p++) {
                    s -= l[r * dim + p] * l[c * dim + p];
                }
                l[r * dim + c] = s / root;
            }
        }
        return l;
    }
}
