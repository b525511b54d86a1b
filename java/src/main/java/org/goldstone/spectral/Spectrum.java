package org.goldstone.spectral;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.goldstone.GoldstoneException;
import org.goldstone.minimize.DenseHessian;
import org.goldstone.minimize.Objective;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.symmetry.GoldstoneCounter;
import org.goldstone.symmetry.GoldstoneReport;

/**
 * The full spectroscopy of one Hessian operator (what {@code goldstone spectrum} runs): a symmetry check, the top
 * eigenvalues by power iteration, Lanczos with full reorthogonalization (smallest and largest Ritz values), the
 * Hutchinson trace, the stochastic-Lanczos-quadrature density, and the Goldstone accounting (dense for small P,
 * matrix-free otherwise). Each stage's result is kept even if a later stage fails.
 */
public final class Spectrum {
    /** What to compute. */
    public record Settings(int topEigenvalues, int lanczosSteps, int traceProbes, int densityProbes, int densitySteps,
                           int tangentChecksPerFamily, int denseLimit, double zeroTolerance, long seed) {
        public static Settings defaults() {
            return new Settings(3, 80, 50, 1, 80, 8, 2000, 1e-9, 7);
        }
    }

    /** Results (JSON-serializable); stages that did not run are null. */
    public record Result(int parameters, String operator, double lambda, double asymmetry, double[] topEigenvalues,
                         double bottomEigenvalue, double[] ritzValues, double[] ritzWeights, List<Integer> breakdowns,
                         double trace, double traceStandardError, int traceProbes, double[][] density,
                         GoldstoneReport goldstone, long products, double seconds, List<String> notes) { }

    private Spectrum() {
    }

    /**
     * Runs every stage on {@code op} (the Hessian of F at theta, weight decay included) and reports progress
     * ("stage: detail") to {@code progress}.
     */
    public static Result run(FeedForwardNet net, HessianOperator op, boolean crossEntropy, Settings s,
                             Consumer<String> progress) {
        long t0 = System.nanoTime();
        SplittableRandom rng = new SplittableRandom(s.seed());
        List<String> notes = new ArrayList<>();
        progress.accept("symmetry check");
        // a non-symmetric operator means a broken product: stop before estimating anything from it
        double asym = OperatorChecks.requireSymmetric(op, 1e-3, rng.split());     // fp32 products: ~1e-6
        double[] top = null, ritz = null, weights = null;
        List<Integer> breakdowns = List.of();
        double trace = Double.NaN, traceError = Double.NaN;
        int probes = 0;
        double[][] density = null;
        GoldstoneReport goldstone = null;
        try {
            progress.accept("top " + s.topEigenvalues() + " eigenvalues (power iteration)");
            top = PowerIteration.top(op, s.topEigenvalues(), PowerIteration.DEFAULT_MAX_ITER,
                    PowerIteration.DEFAULT_TOL,
                    rng.split()).eigenvalues();
            progress.accept("Lanczos, " + s.lanczosSteps() + " steps");
            LanczosResult lanczos = Lanczos.run(op, Math.min(s.lanczosSteps(), op.dimension()),
                    Reorthogonalization.FULL, rng.split());
            ritz = lanczos.ritzValues();
            weights = lanczos.ritzWeights();
            breakdowns = lanczos.breakdowns();
            if (!breakdowns.isEmpty()) {
                notes.add("Lanczos broke down at steps " + breakdowns + " and restarted (invariant subspaces)");
            }
            progress.accept("Hutchinson trace, up to " + s.traceProbes() + " probes");
            HutchinsonTrace.Estimate t = HutchinsonTrace.estimate(op, s.traceProbes(), rng.split());
            trace = t.mean();
            traceError = t.standardError();
            probes = t.probes();
            progress.accept("spectral density, " + s.densityProbes() + " probe(s) x " + s.densitySteps() + " steps");
            density = SpectralDensity.slq(op, Math.min(s.densitySteps(), op.dimension()), s.densityProbes(),
                    rng.split()).density(400, 1e-5, 0.01);
            progress.accept("Goldstone accounting");
            double[] theta = op.parameters();
            if (op.dimension() <= s.denseLimit()) {
                DenseHessian h = DenseHessian.assemble(asObjective(op), theta);
                goldstone = GoldstoneCounter.count(net, theta, op.gradient(), op.weightDecay(), crossEntropy, h,
                        s.zeroTolerance());
            } else {
                goldstone = GoldstoneCounter.countMatrixFree(net, theta, op.gradient(), op.weightDecay(), crossEntropy,
                        op, Math.abs(top[0]), s.tangentChecksPerFamily());
                notes.add("P = " + op.dimension() + " > " + s.denseLimit() + ": zero modes not counted densely;"
                        + " tangent identities checked on " + s.tangentChecksPerFamily() + " tangents per family");
            }
        } catch (GoldstoneException e) {
            // keep every finished stage; the note names the failed one
            notes.add(FAILED + e.getMessage());
        }
        return new Result(op.dimension(), op.kind().name().toLowerCase(), op.weightDecay(), asym, top,
                ritz == null ? Double.NaN : ritz[0], ritz, weights, breakdowns, trace, traceError, probes, density,
                goldstone, op.products(), (System.nanoTime() - t0) / 1e9, notes);
    }

    /** Prefix of the note that says which stage failed (the results of the stages before it are kept). */
    public static final String FAILED = "stopped early: ";

    /** The operator as an objective whose only use is its Hessian-vector product (dense assembly). */
    private static Objective asObjective(HessianOperator op) {
        return new Objective() {
            @Override
            public int dimension() {
                return op.dimension();
            }

            @Override
            public double valueAndGradient(double[] theta, double[] gradient) {
                double[] g = op.gradient();
                System.arraycopy(g, 0, gradient, 0, g.length);
                return op.objective();
            }

            @Override
            public void hessianVector(double[] theta, double[] v, double[] out) {
                op.apply(v, out);
            }
        };
    }
}
