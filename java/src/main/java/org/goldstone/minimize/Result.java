package org.goldstone.minimize;

import java.util.List;

/**
 * The outcome of a minimization. Arrays are owned by the record and not copied.
 *
 * @param theta the final parameters (a fresh array; the start vector is never modified)
 * @param value F(theta)
 * @param gradient the gradient at theta
 * @param gradNormInf |g|_inf at theta, the quantity every stopping test of this package uses
 * @param iterations accepted BFGS iterations plus accepted Newton steps
 * @param evaluations calls of {@link Objective#valueAndGradient} (line searches and backtracking included)
 * @param hessianVectorProducts calls of {@link Objective#hessianVector}
 * @param stop why the method stopped
 * @param history a thinned log of (iteration, value, |g|_inf): at most a few hundred entries, always the first and
 *     the last
 * @param hessian the dense Hessian at the final theta; null when the method did not form it (BFGS)
 * @param eigen its eigen-decomposition (ascending); null exactly when {@code hessian} is null
 */
public record Result(double[] theta, double value, double[] gradient, double gradNormInf, int iterations,
                     int evaluations, int hessianVectorProducts, Stop stop, List<Step> history, DenseHessian hessian,
                     Eigen eigen) {

    /** Why a minimizer stopped. */
    public enum Stop {
        /** |g|_inf fell below the tolerance. */
        CONVERGED,
        /** The iteration budget ran out first. */
        MAX_ITERATIONS,
        /** The line search found no acceptable step even along the steepest-descent direction (BFGS). */
        LINE_SEARCH_FAILED,
        /** No trial step decreased |g| or F beyond rounding (Newton): the rounding floor is reached. */
        NO_PROGRESS
    }

    /** One history entry. */
    public record Step(int iteration, double value, double gradNormInf) {
    }

    public Result {
        if (theta == null || gradient == null || stop == null || history == null) {
            throw new IllegalArgumentException("theta, gradient, stop and history must be present");
        }
        if (theta.length != gradient.length) {
            throw new IllegalArgumentException("gradient length: expected " + theta.length + ", found "
                    + gradient.length);
        }
        if ((hessian == null) != (eigen == null)) {
            throw new IllegalArgumentException("hessian and eigen: expected both or neither, found hessian "
                    + (hessian == null ? "absent" : "present") + " and eigen "
                    + (eigen == null ? "absent" : "present"));
        }
        history = List.copyOf(history);
    }

    /** True when |g|_inf reached the tolerance. */
    public boolean converged() {
        return stop == Stop.CONVERGED;
    }

    @Override
    public String toString() {
        return "Result[stop=" + stop + ", value=" + value + ", |g|_inf=" + gradNormInf + ", iterations=" + iterations
                + ", evaluations=" + evaluations + ", hvps=" + hessianVectorProducts + ", P=" + theta.length + "]";
    }
}
