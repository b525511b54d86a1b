package org.goldstone.minimize;

import java.util.Arrays;
import org.goldstone.GoldstoneException;

/**
 * Newton polishing with the exact dense Hessian, for driving an already good point to |g| ~ 1e-13 so that the
 * Hessian's symmetry zero modes can be counted (SCIENCE d.7, d.8).
 *
 * <p>Each step assembles H from P Hessian-vector products ({@link DenseHessian#assemble}), diagonalizes it,
 * H = sum_i lambda_i v_i v_i^T, and takes the pseudo-inverse step
 * <pre>
 *   p = - sum_{|lambda_i| &gt; cutoff * max|lambda|} v_i (v_i . g) / |lambda_i| .
 * </pre>
 * Dropping the small eigenvalues is what makes Newton usable here: on an orbit of minima the tangent directions
 * are exact null vectors of H (SCIENCE d.6), H is singular, and those directions must get no step. Using
 * |lambda_i| instead of lambda_i is the eigenvalue-modified Newton step of Nocedal and Wright, Numerical
 * Optimization (2nd ed.), Section 3.4, and the saddle-free Newton step of Dauphin et al. (NeurIPS 2014): it equals
 * the Newton step where H is positive definite and is a descent direction everywhere.
 *
 * <p>Safeguard: the step length alpha backtracks from 1 by halves (Nocedal and Wright, Algorithm 3.1). A trial is
 * accepted only when it is finite, does not increase F beyond rounding ({@value StrongWolfe#VALUE_NOISE} |F|),
 * does not increase |g|_2 more than {@value #GRAD_GROWTH}-fold, and either decreases F measurably (the Armijo
 * condition F+ &lt;= F + 1e-4 alpha g.p and F+ &lt; F - {@value StrongWolfe#VALUE_NOISE} |F|) or decreases |g|_2
 * (near the minimum F changes only at rounding level and |g| is the meaningful measure). When no alpha down to
 * 2^-{@value #MAX_HALVINGS} passes, the cutoff is raised 1000-fold and
 * the search repeated, up to a relative cutoff of {@value #MAX_CUTOFF}.
 *
 * <p>Stops when |g|_inf &lt; gtol ({@link Result.Stop#CONVERGED}), after maxSteps accepted steps
 * ({@link Result.Stop#MAX_ITERATIONS}), or ({@link Result.Stop#NO_PROGRESS}) when no trial passes or two accepted
 * steps in a row neither halve |g|_2 nor decrease F beyond rounding: the rounding floor. The Hessian is assembled
 * at every iterate including the last, so the returned {@link Result#hessian()} and {@link Result#eigen()} belong
 * to the returned theta. Cost per step: P HVPs plus an O(P^3) eigen-decomposition.
 */
public final class NewtonPolish {
    /** Default |g|_inf tolerance. */
    public static final double DEFAULT_GTOL = 1e-13;
    /** Default relative eigenvalue cutoff: eigenvalues with |lambda| &lt;= cutoff * max|lambda| get no step. */
    public static final double DEFAULT_CUTOFF = 1e-10;
    /** Default most Newton steps. */
    public static final int DEFAULT_MAX_STEPS = 20;
    static final double GRAD_GROWTH = 10;
    static final int MAX_HALVINGS = 20;
    static final double MAX_CUTOFF = 1e-4;
    private static final System.Logger LOG = System.getLogger(NewtonPolish.class.getName());

    private NewtonPolish() {
    }

    /** {@link #minimize(Objective, double[], double, int, double)} with the defaults. */
    public static Result minimize(Objective f, double[] theta0) {
        return minimize(f, theta0, DEFAULT_GTOL, DEFAULT_MAX_STEPS, DEFAULT_CUTOFF);
    }

    /** {@link #minimize(Objective, double[], double, int, double)} with the default cutoff. */
    public static Result minimize(Objective f, double[] theta0, double gtol, int maxSteps) {
        return minimize(f, theta0, gtol, maxSteps, DEFAULT_CUTOFF);
    }

    /**
     * Polishes theta0 (read, not modified). Throws {@link GoldstoneException} when F or g is not finite at theta0.
     *
     * @param gtol stop when |g|_inf &lt; gtol
     * @param maxSteps the most accepted Newton steps (0: only assemble and diagonalize H at theta0)
     * @param relativeCutoff eigenvalues with |lambda| &lt;= relativeCutoff * max|lambda| get no step, in [0, 1)
     */
    public static Result minimize(Objective f, double[] theta0, double gtol, int maxSteps, double relativeCutoff) {
        VectorMath.requireDimension(f, theta0);
        VectorMath.requireTolerance("gtol", gtol);
        VectorMath.requireCount("maxSteps", maxSteps);
        if (!(relativeCutoff >= 0 && relativeCutoff < 1)) {
            throw new IllegalArgumentException("relativeCutoff: expected a value in [0, 1), found " + relativeCutoff);
        }
        int n = theta0.length;
        double[] x = theta0.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        if (!Double.isFinite(fx) || !VectorMath.allFinite(g)) {
            throw new GoldstoneException("Newton start: expected finite F and gradient, found F = " + fx
                    + ", |g|_inf = " + VectorMath.normInf(g));
        }
        int evaluations = 1;
        int hvps = 0;
        double[] coefficients = new double[n];
        double[] p = new double[n];
        double[] xTrial = new double[n];
        double[] gTrial = new double[n];
        History history = new History();
        int step = 0;
        int stalls = 0;
        Result.Stop stop;
        DenseHessian hessian;
        Eigen eigen;
        while (true) {
            hessian = DenseHessian.assemble(f, x);
            hvps += n;
            eigen = hessian.eig();
            double gInf = VectorMath.normInf(g);
            history.record(step, fx, gInf);
            if (gInf < gtol) {
                stop = Result.Stop.CONVERGED;
                break;
            }
            if (step >= maxSteps) {
                stop = Result.Stop.MAX_ITERATIONS;
                break;
            }
            if (stalls >= 2) {
                stop = Result.Stop.NO_PROGRESS;
                break;
            }
            for (int i = 0; i < n; i++) {
                coefficients[i] = VectorMath.dot(eigen.vectors()[i], g);
            }
            double noise = StrongWolfe.VALUE_NOISE * Math.abs(fx);
            double gNorm = VectorMath.norm2(g);
            double fTrial = Double.NaN;
            for (double cutoff = relativeCutoff; ; cutoff = nextCutoff(cutoff)) {
                if (pseudoInverseStep(eigen, coefficients, cutoff * eigen.maxAbs(), p)) {
                    Trial trial = backtrack(f, x, fx, gNorm, VectorMath.dot(g, p), p, noise, xTrial, gTrial);
                    evaluations += trial.evaluations();
                    fTrial = trial.value();
                }
                if (!Double.isNaN(fTrial) || cutoff >= MAX_CUTOFF) {
                    break;
                }
            }
            if (Double.isNaN(fTrial)) {
                stop = Result.Stop.NO_PROGRESS;
                break;
            }
            boolean progress = VectorMath.norm2(gTrial) <= 0.5 * gNorm || fTrial < fx - noise;
            stalls = progress ? 0 : stalls + 1;
            System.arraycopy(xTrial, 0, x, 0, n);
            System.arraycopy(gTrial, 0, g, 0, n);
            fx = fTrial;
            step++;
        }
        Result result = new Result(x, fx, g, VectorMath.normInf(g), step, evaluations, hvps, stop, history.steps(),
                hessian, eigen);
        LOG.log(System.Logger.Level.DEBUG, () -> "Newton " + result);
        return result;
    }

    /** The accepted trial value (NaN when none passed) and the evaluations spent. */
    private record Trial(double value, int evaluations) {
    }

    /**
     * Backtracks alpha = 1, 1/2, ..., 2^-MAX_HALVINGS along p from x (value fx, |g|_2 = gNorm, g.p = gp) and
     * returns the first trial that passes the acceptance test of the class comment. xTrial, gTrial: modified
     * (they hold the accepted point when there is one).
     */
    private static Trial backtrack(Objective f, double[] x, double fx, double gNorm, double gp, double[] p,
                                   double noise, double[] xTrial, double[] gTrial) {
        double alpha = 1;
        for (int k = 0; k <= MAX_HALVINGS; k++, alpha *= 0.5) {
            VectorMath.step(x, alpha, p, xTrial);
            double fTrial = f.valueAndGradient(xTrial, gTrial);
            if (!Double.isFinite(fTrial) || !VectorMath.allFinite(gTrial)) {
                continue;
            }
            double gTrialNorm = VectorMath.norm2(gTrial);
            // a decrease counts only above rounding, else at the floor any step would pass Armijo by F+ == F
            boolean decrease = fTrial <= fx + StrongWolfe.C1 * alpha * gp && fTrial < fx - noise;
            if (fTrial <= fx + noise && gTrialNorm <= GRAD_GROWTH * gNorm && (decrease || gTrialNorm < gNorm)) {
                return new Trial(fTrial, k + 1);
            }
        }
        return new Trial(Double.NaN, MAX_HALVINGS + 1);
    }

    private static double nextCutoff(double cutoff) {
        // a zero cutoff still means "keep everything nonzero"; escalate from the default then
        return cutoff == 0 ? DEFAULT_CUTOFF : cutoff * 1e3;
    }

    /**
     * p = -sum_{|lambda_i| &gt; threshold} v_i c_i / |lambda_i| with c_i = v_i . g. p: modified. Returns false when
     * every eigenvalue was dropped or the step is zero.
     */
    private static boolean pseudoInverseStep(Eigen eigen, double[] coefficients, double threshold, double[] p) {
        Arrays.fill(p, 0);
        boolean any = false;
        double[] values = eigen.values();
        for (int i = 0; i < values.length; i++) {
            double lambda = Math.abs(values[i]);
            if (!(lambda > threshold) || coefficients[i] == 0) {
                continue;
            }
            double c = -coefficients[i] / lambda;
            double[] v = eigen.vectors()[i];
            for (int j = 0; j < p.length; j++) {
                p[j] += c * v[j];
            }
            any = true;
        }
        return any;
    }
}
