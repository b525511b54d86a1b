package org.goldstone.minimize;

import java.util.Arrays;
import org.goldstone.GoldstoneException;

/**
 * Dense BFGS with a strong-Wolfe line search (Nocedal and Wright, Numerical Optimization, 2nd ed., Algorithm 6.1).
 *
 * <p>The inverse-Hessian approximation H (P x P, dense, exactly symmetric) gives the direction p = -H g; the line
 * search ({@link StrongWolfe}: Algorithms 3.5 and 3.6, cubic interpolation) picks the step alpha, and with
 * s = alpha p and y = g+ - g the update is eq. (6.17),
 * <pre>
 *   H+ = (I - rho s y^T) H (I - rho y s^T) + rho s s^T,   rho = 1 / (y^T s),
 * </pre>
 * applied in the expanded O(P^2) form H - rho (s (Hy)^T + (Hy) s^T) + (rho^2 y^T H y + rho) s s^T. Before the first
 * update H = I is rescaled to (y^T s / y^T y) I (eq. 6.20). The update is skipped when y^T s is not safely positive
 * (possible only after a step that met sufficient decrease alone). When H stops giving a descent direction or the
 * line search fails, H is reset to the scaled identity once; a second failure in a row stops the run.
 *
 * <p>Stops when |g|_inf &lt; gtol ({@link Result.Stop#CONVERGED}), after maxIterations accepted steps
 * ({@link Result.Stop#MAX_ITERATIONS}), or when the line search fails along steepest descent
 * ({@link Result.Stop#LINE_SEARCH_FAILED}, typically the rounding floor of F; {@link NewtonPolish} takes over from
 * there). Memory is P^2 doubles, O(P^2) work per iteration: meant for P up to a few thousand.
 */
public final class Bfgs {
    /** Largest P accepted: the dense H takes P^2 doubles (2 GiB at this size). */
    public static final int MAX_DIMENSION = 16384;
    private static final System.Logger LOG = System.getLogger(Bfgs.class.getName());
    /** y^T s must exceed this times |s| |y| for the update to keep H positive definite by a margin. */
    private static final double CURVATURE_GUARD = 1e-12;

    private Bfgs() {
    }

    /**
     * Minimizes f from theta0 (read, not modified). Throws {@link GoldstoneException} when F or g is not finite
     * at theta0.
     *
     * @param gtol stop when |g|_inf &lt; gtol (0: run until the budget or the line search gives out)
     * @param maxIterations the most accepted steps
     */
    public static Result minimize(Objective f, double[] theta0, double gtol, int maxIterations) {
        VectorMath.requireDimension(f, theta0);
        VectorMath.requireTolerance("gtol", gtol);
        VectorMath.requireCount("maxIterations", maxIterations);
        int n = theta0.length;
        if (n > MAX_DIMENSION) {
            throw new IllegalArgumentException("dense BFGS dimension: expected P <= " + MAX_DIMENSION + ", found "
                    + n);
        }
        double[] x = theta0.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        if (!Double.isFinite(fx) || !VectorMath.allFinite(g)) {
            throw new GoldstoneException("BFGS start: expected finite F and gradient, found F = " + fx
                    + ", |g|_inf = " + VectorMath.normInf(g));
        }
        int evaluations = 1;
        double[] h = new double[n * n];
        double gamma = 1;
        setScaledIdentity(h, n, gamma);
        boolean scaled = false;
        boolean freshH = true;
        double[] p = new double[n];
        double[] s = new double[n];
        double[] y = new double[n];
        double[] hy = new double[n];
        StrongWolfe lineSearch = new StrongWolfe(f);
        History history = new History();
        double gInf = VectorMath.normInf(g);
        history.record(0, fx, gInf);
        int iteration = 0;
        Result.Stop stop;
        while (true) {
            if (gInf < gtol) {
                stop = Result.Stop.CONVERGED;
                break;
            }
            if (iteration >= maxIterations) {
                stop = Result.Stop.MAX_ITERATIONS;
                break;
            }
            multiply(h, n, g, p);
            negateInPlace(p);
            double dphi0 = VectorMath.dot(g, p);
            if (!(dphi0 < 0)) {
                // rounding has cost H its positive definiteness: restart from the scaled identity
                setScaledIdentity(h, n, gamma);
                freshH = true;
                multiply(h, n, g, p);
                negateInPlace(p);
                dphi0 = VectorMath.dot(g, p);
                if (!(dphi0 < 0)) {
                    stop = Result.Stop.LINE_SEARCH_FAILED;
                    break;
                }
            }
            // before the first update, H = I carries no scale information: cap the first step length at 1
            double alpha1 = scaled ? 1 : Math.min(1, 1 / VectorMath.norm2(g));
            StrongWolfe.Outcome outcome = lineSearch.search(x, fx, dphi0, p, alpha1);
            evaluations = lineSearch.evaluations + 1;
            boolean moved = false;
            if (outcome != StrongWolfe.Outcome.FAILED) {
                for (int i = 0; i < n; i++) {
                    s[i] = lineSearch.xOut[i] - x[i];
                    moved |= s[i] != 0;
                }
            }
            if (!moved) {
                if (!freshH) {
                    setScaledIdentity(h, n, gamma);
                    freshH = true;
                    continue;
                }
                stop = Result.Stop.LINE_SEARCH_FAILED;
                break;
            }
            for (int i = 0; i < n; i++) {
                y[i] = lineSearch.gOut[i] - g[i];
            }
            System.arraycopy(lineSearch.xOut, 0, x, 0, n);
            System.arraycopy(lineSearch.gOut, 0, g, 0, n);
            fx = lineSearch.value;
            double sy = VectorMath.dot(s, y);
            double yy = VectorMath.dot(y, y);
            if (sy > CURVATURE_GUARD * VectorMath.norm2(s) * Math.sqrt(yy)) {
                gamma = sy / yy;
                if (!scaled) {
                    setScaledIdentity(h, n, gamma);
                    scaled = true;
                }
                update(h, n, s, y, sy, hy);
                freshH = false;
            }
            iteration++;
            gInf = VectorMath.normInf(g);
            history.record(iteration, fx, gInf);
        }
        Result result = new Result(x, fx, g, gInf, iteration, evaluations, 0, stop, history.steps(), null, null);
        LOG.log(System.Logger.Level.DEBUG, () -> "BFGS " + result);
        return result;
    }

    /** The BFGS inverse update (eq. 6.17) in expanded form. h: modified. hy: scratch. */
    private static void update(double[] h, int n, double[] s, double[] y, double sy, double[] hy) {
        multiply(h, n, y, hy);
        double rho = 1 / sy;
        double c = rho * rho * VectorMath.dot(y, hy) + rho;
        for (int i = 0; i < n; i++) {
            double si = s[i];
            double hyi = hy[i];
            int row = i * n;
            for (int j = 0; j < n; j++) {
                // the (i, j) and (j, i) updates round identically, so H stays exactly symmetric
                h[row + j] += c * (si * s[j]) - rho * (si * hy[j] + hyi * s[j]);
            }
        }
    }

    /** out = H v. */
    private static void multiply(double[] h, int n, double[] v, double[] out) {
        for (int i = 0; i < n; i++) {
            double acc = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) {
                acc += h[row + j] * v[j];
            }
            out[i] = acc;
        }
    }

    private static void negateInPlace(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
    }

    private static void setScaledIdentity(double[] h, int n, double gamma) {
        Arrays.fill(h, 0);
        for (int i = 0; i < n; i++) {
            h[i * n + i] = gamma;
        }
    }
}
