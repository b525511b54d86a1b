package org.goldstone.spectral;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;

/**
 * Spectral density by stochastic Lanczos quadrature, PyHessian's {@code density()} and {@code density_generate()}
 * (SCIENCE d.5). For n_v probes l with Rademacher start vectors, an m-step {@link Lanczos} run gives Ritz nodes
 * theta_{l,i} and weights tau_{l,i}^2 (summing to 1 per probe), and
 *
 * <pre>
 *   phi_sigma(t) = (1/n_v) sum_l sum_i tau_{l,i}^2 g(t - theta_{l,i}),   g(x) = exp(-x^2 / (2 s)) / sqrt(2 pi s)
 * </pre>
 *
 * with s the Gaussian <em>variance</em>; phi integrates to 1 and estimates (1/P) sum_j g(t - lambda_j) (multiply by
 * P for counts). {@link #density(int, double, double)} follows PyHessian's conventions exactly: the grid runs from
 * (mean over probes of the smallest node) - overhead to (mean of the largest) + overhead in {@code bins} equally
 * spaced points, s = sigmaSquared * max(1, grid range), and the values are renormalized so that sum(values) * dx = 1.
 * Defaults (PyHessian): m = 100, n_v = 1, bins = 10000, sigmaSquared = 1e-5, overhead = 0.01.
 *
 * <p>Counts near zero ({@link #countBelow}) inherit the multiplicity caveat of d.4 only through the weights:
 * tau^2 of the zero cluster estimates |P_0 v|^2 / |v|^2, whose mean is N_0 / P, so P times it estimates N_0; the
 * variance is high unless N_0 is large.
 *
 * <p>A non-finite product in probe l throws {@link NonFiniteProbeException} (step = the Lanczos step, the
 * probe in the message, the Lanczos exception as cause); {@code partial(SpectralDensity.class)} holds probes 1..l-1.
 */
public final class SpectralDensity {
    private final int dimension;
    private final double[][] nodes;
    private final double[][] weights;

    private SpectralDensity(int dimension, double[][] nodes, double[][] weights) {
        this.dimension = dimension;
        this.nodes = nodes;
        this.weights = weights;
    }

    /**
     * From stored quadrature rules (for example read back from a run log): nodes[l], weights[l] per probe.
     * Arrays are copied.
     */
    public static SpectralDensity of(int dimension, double[][] nodes, double[][] weights) {
        if (nodes.length < 1 || nodes.length != weights.length) {
            throw new GoldstoneException("SpectralDensity: expected >= 1 probe and as many weight rows as node rows,"
                    + " got " + nodes.length + " and " + weights.length);
        }
        double[][] n = new double[nodes.length][], w = new double[nodes.length][];
        for (int l = 0; l < nodes.length; l++) {
            if (nodes[l].length < 1 || nodes[l].length != weights[l].length) {
                throw new GoldstoneException("SpectralDensity probe " + l + ": expected >= 1 node and as many weights,"
                        + " got " + nodes[l].length + " and " + weights[l].length);
            }
            n[l] = nodes[l].clone();
            w[l] = weights[l].clone();
        }
        return new SpectralDensity(dimension, n, w);
    }

    /** probes runs of Lanczos.Options.of(steps) (FULL, RESTART on breakdown), each from its own Rademacher vector. */
    public static SpectralDensity slq(SymmetricOperator a, int steps, int probes, SplittableRandom rng) {
        return slq(a, Lanczos.Options.of(steps), probes, rng);
    }

    /** As above with explicit Lanczos options; options.start() must be null (every probe draws its own). */
    public static SpectralDensity slq(SymmetricOperator a, Lanczos.Options options, int probes, SplittableRandom rng) {
        if (probes < 1) {
            throw new GoldstoneException("SLQ needs >= 1 probe, got " + probes);
        }
        if (options.start() != null) {
            throw new GoldstoneException("SLQ draws one Rademacher start per probe: options.start() must be null");
        }
        Lanczos.Options o = options.withKeepBasis(false);
        double[][] n = new double[probes][], w = new double[probes][];
        for (int l = 0; l < probes; l++) {
            LanczosResult r;
            try {
                r = Lanczos.run(a, o, rng);
            } catch (NonFiniteProbeException e) {
                SpectralDensity partial = l == 0 ? null
                        : new SpectralDensity(a.dimension(), Arrays.copyOf(n, l), Arrays.copyOf(w, l));
                throw new NonFiniteProbeException("SpectralDensity", e.step(), "probe " + (l + 1) + " of " + probes
                        + ": " + e.getMessage(), partial, e);
            }
            if (r.steps() == 0) {
                throw new GoldstoneException("SLQ probe " + (l + 1) + " produced no Lanczos step");
            }
            n[l] = r.ritzValues();
            w[l] = r.ritzWeights();
        }
        return new SpectralDensity(a.dimension(), n, w);
    }

    /** P, the dimension of the operator. */
    public int dimension() {
        return dimension;
    }

    public int probes() {
        return nodes.length;
    }

    /** Ritz nodes of probe l, ascending (copy). */
    public double[] nodes(int l) {
        return nodes[l].clone();
    }

    /** Quadrature weights tau^2 of probe l, matching {@link #nodes(int)} (copy). */
    public double[] weights(int l) {
        return weights[l].clone();
    }

    /** PyHessian's defaults: 10000 bins, sigmaSquared 1e-5, overhead 0.01. */
    public double[][] density() {
        return density(10000, 1e-5, 0.01);
    }

    /**
     * {grid, values}: the broadened density on PyHessian's grid, renormalized to unit area (sum(values) * dx = 1).
     * The Gaussian variance is sigmaSquared * max(1, grid[bins-1] - grid[0]).
     */
    public double[][] density(int bins, double sigmaSquared, double overhead) {
        if (bins < 2) {
            throw new GoldstoneException("density needs >= 2 bins, got " + bins);
        }
        if (!(sigmaSquared > 0) || !(overhead >= 0)) {
            throw new GoldstoneException("density needs sigmaSquared > 0 and overhead >= 0, got " + sigmaSquared
                    + " and " + overhead);
        }
        double hi = 0, lo = 0;
        for (int l = 0; l < nodes.length; l++) {
            hi += nodes[l][nodes[l].length - 1];
            lo += nodes[l][0];
        }
        hi = hi / nodes.length + overhead;
        lo = lo / nodes.length - overhead;
        if (!(hi > lo)) {
            throw new GoldstoneException("density grid is empty: all nodes at " + lo + " and overhead 0");
        }
        double[] grid = new double[bins];
        double dx = (hi - lo) / (bins - 1);
        for (int j = 0; j < bins; j++) {
            grid[j] = lo + j * dx;
        }
        grid[bins - 1] = hi;
        double[] values = broadened(grid, sigmaSquared * Math.max(1, hi - lo));
        double area = 0;
        for (int j = 0; j < bins; j++) {
            area += values[j];
        }
        area *= dx;
        if (!(area > 0)) {
            throw new GoldstoneException("density has zero area on its grid (variance too small for " + bins
                    + " bins?)");
        }
        for (int j = 0; j < bins; j++) {
            values[j] /= area;
        }
        return new double[][] {grid, values};
    }

    /** phi_sigma(t) of the class formula at each t, with Gaussian variance {@code variance}, not renormalized. */
    public double[] broadened(double[] t, double variance) {
        if (!(variance > 0)) {
            throw new GoldstoneException("broadening variance must be > 0, got " + variance);
        }
        double norm = 1.0 / Math.sqrt(2 * Math.PI * variance) / nodes.length;
        double[] out = new double[t.length];
        for (int j = 0; j < t.length; j++) {
            double s = 0;
            for (int l = 0; l < nodes.length; l++) {
                double[] theta = nodes[l], tau2 = weights[l];
                for (int i = 0; i < theta.length; i++) {
                    double x = t[j] - theta[i];
                    s += tau2[i] * Math.exp(-x * x / (2 * variance));
                }
            }
            out[j] = s * norm;
        }
        return out;
    }

    /** N_0 ~ dimension * mean_l sum_i tau_{l,i}^2 [|theta_{l,i}| &lt; delta] (SCIENCE d.5). */
    public double countBelow(double delta, int dimension) {
        double s = 0;
        for (int l = 0; l < nodes.length; l++) {
            for (int i = 0; i < nodes[l].length; i++) {
                if (Math.abs(nodes[l][i]) < delta) {
                    s += weights[l][i];
                }
            }
        }
        return dimension * s / nodes.length;
    }

    /** {@link #countBelow(double, int)} with the operator's own dimension. */
    public double countBelow(double delta) {
        return countBelow(delta, dimension);
    }
}
