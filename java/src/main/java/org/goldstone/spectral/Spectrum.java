package org.goldstone.spectral;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
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
        double asym = OperatorChecks.requireSymmetric(op, 1e-3, rng.split());     // fp32 products: ~1e-6
        progress.accept("top " + s.topEigenvalues() + " eigenvalues (power iteration)");
        PowerIteration.Result top = PowerIteration.top(op, s.topEigenvalues(), PowerIteration.DEFAULT_MAX_ITER,
                PowerIteration.DEFAULT_TOL, rng.split());
        double lambdaMax = Math.abs(top.eigenvalues()[0]);
        progress.accept("Lanczos, " + s.lanczosSteps() + " steps");
        LanczosResult lanczos = Lanczos.run(op, Math.min(s.lanczosSteps(), op.dimension()), Reorthogonalization.FULL,
                rng.split());
        double[] ritz = lanczos.ritzValues();
        if (!lanczos.breakdowns().isEmpty()) {
            notes.add("Lanczos broke down at steps " + lanczos.breakdowns() + " and restarted (invariant subspaces)");
        }
        progress.accept("Hutchinson trace, up to " + s.traceProbes() + " probes");
        HutchinsonTrace.Estimate trace = HutchinsonTrace.estimate(op, s.traceProbes(), rng.split());
        progress.accept("spectral density, " + s.densityProbes() + " probe(s) x " + s.densitySteps() + " steps");
        SpectralDensity density = SpectralDensity.slq(op, Math.min(s.densitySteps(), op.dimension()), s.densityProbes(),
                rng.split());
        progress.accept("Goldstone accounting");
        GoldstoneReport goldstone;
        double[] theta = op.parameters();
        if (op.dimension() <= s.denseLimit()) {
            DenseHessian h = DenseHessian.assemble(asObjective(op), theta);
            goldstone = GoldstoneCounter.count(net, theta, op.gradient(), op.weightDecay(), crossEntropy, h,
                    s.zeroTolerance());
        } else {
            goldstone = GoldstoneCounter.countMatrixFree(net, theta, op.gradient(), op.weightDecay(), crossEntropy, op,
                    lambdaMax, s.tangentChecksPerFamily());
            notes.add("P = " + op.dimension() + " > " + s.denseLimit() + ": zero modes not counted densely; tangent"
                    + " identities checked on " + s.tangentChecksPerFamily() + " tangents per family");
        }
        return new Result(op.dimension(), op.kind().name().toLowerCase(), op.weightDecay(), asym, top.eigenvalues(),
                ritz[0], ritz, lanczos.ritzWeights(), lanczos.breakdowns(), trace.mean(), trace.standardError(),
                trace.probes(), density.density(400, 1e-5, 0.01), goldstone, op.products(),
                (System.nanoTime() - t0) / 1e9, notes);
    }

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
