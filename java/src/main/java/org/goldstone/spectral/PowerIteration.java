package org.goldstone.spectral;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;

/**
 * Top eigenpairs by power iteration with deflation, PyHessian's {@code eigenvalues()} scheme (SCIENCE d.2):
 *
 * <pre>
 *   v ~ N(0, I), v = v/|v|
 *   repeat: v -= sum_k (u_k.v) u_k over the eigenvectors u_k already found (twice), v = v/|v|
 *           w = A v;  lambda = v.w;  v = w/|w|
 *   until |lambda - lambda_prev| / (|lambda_prev| + 1e-6) &lt; tol, or maxIter products
 * </pre>
 *
 * Each eigenpair is the one of largest |lambda| in the space orthogonal to those found before; it may be negative.
 * The most negative eigenvalue comes from the same iteration on A - lambda_max I ({@link #bottom}). PyHessian
 * defaults: maxIter = 100, tol = 1e-3, count = 1. Two deliberate differences from PyHessian: the returned eigenvalue
 * is the last Rayleigh quotient (PyHessian returns the one before it), and vectors are normalized exactly (PyHessian
 * divides by |v| + 1e-6), so the eigenvectors are unit; if A v = 0 the iteration stops with eigenvalue 0.
 *
 * <p>The stopping rule bounds the change per step, not the error: with eigenvalue ratio r = |lambda_2/lambda_1| the
 * error left is about tol r^2 / (1 - r^2) relative, so a small gap needs a smaller tol than the accuracy wanted.
 *
 * <p>A non-finite product throws {@link NonFiniteProbeException}; its {@code partial(PowerIteration.Result.class)}
 * holds the eigenpairs completed before.
 */
public final class PowerIteration {
    /** PyHessian's defaults. */
    public static final int DEFAULT_MAX_ITER = 100;
    public static final double DEFAULT_TOL = 1e-3;

    /**
     * eigenvalues[k], unit eigenvectors[k] (length P) in the order found (largest |lambda| of the deflated space
     * first), iterations[k] operator products used, converged[k] whether the stopping rule fired before maxIter.
     */
    public record Result(double[] eigenvalues, double[][] eigenvectors, int[] iterations, boolean[] converged) {
        public Result {
            int n = eigenvalues.length;
            if (eigenvectors.length != n || iterations.length != n || converged.length != n) {
                throw new GoldstoneException("PowerIteration.Result: expected " + n + " vectors, iteration counts and"
                        + " flags, got " + eigenvectors.length + ", " + iterations.length + ", " + converged.length);
            }
        }

        public int count() {
            return eigenvalues.length;
        }
    }

    private PowerIteration() {
    }

    /** The top eigenpair with PyHessian's defaults (maxIter 100, tol 1e-3). */
    public static Result top(SymmetricOperator a, SplittableRandom rng) {
        return top(a, 1, DEFAULT_MAX_ITER, DEFAULT_TOL, rng);
    }

    /** The count eigenpairs of largest |lambda|, each in the space orthogonal to those before. */
    public static Result top(SymmetricOperator a, int count, int maxIter, double tol, SplittableRandom rng) {
        int p = a.dimension();
        if (count < 1 || count > p) {
            throw new GoldstoneException("PowerIteration count must be in [1, P = " + p + "], got " + count);
        }
        if (maxIter < 1) {
            throw new GoldstoneException("PowerIteration maxIter must be >= 1, got " + maxIter);
        }
        if (!(tol >= 0)) {
            throw new GoldstoneException("PowerIteration tol must be >= 0, got " + tol);
        }
        double[] values = new double[count];
        double[][] vectors = new double[count][];
        int[] iterations = new int[count];
        boolean[] converged = new boolean[count];
        double[] w = new double[p];
        for (int k = 0; k < count; k++) {
            double[] v = Vectors.gaussian(p, rng);
            normalizeInPlace(v);
            double eigenvalue = Double.NaN;
            boolean done = false;
            int it = 0;
            while (it < maxIter && !done) {
                Vectors.orthogonalizeInPlace(v, vectors, k);
                normalizeInPlace(v);
                a.apply(v, w);
                it++;
                int bad = Vectors.firstNonFinite(w);
                if (bad >= 0) {
                    Result partial = new Result(Arrays.copyOf(values, k), Arrays.copyOf(vectors, k),
                            Arrays.copyOf(iterations, k), Arrays.copyOf(converged, k));
                    throw new NonFiniteProbeException("PowerIteration", it, "eigenpair " + (k + 1) + ", "
                            + NonFiniteProbeException.describe(w, bad), partial, null);
                }
                double rayleigh = Vectors.dot(w, v);
                double n = Vectors.norm(w);
                if (!Double.isFinite(rayleigh) || !Double.isFinite(n)) {
                    Result partial = new Result(Arrays.copyOf(values, k), Arrays.copyOf(vectors, k),
                            Arrays.copyOf(iterations, k), Arrays.copyOf(converged, k));
                    throw new NonFiniteProbeException("PowerIteration", it, "eigenpair " + (k + 1) + ", v.Av = "
                            + rayleigh + ", |Av| = " + n, partial, null);
                }
                if (n == 0) {                        // v is a null vector: eigenvalue 0, exactly
                    eigenvalue = 0;
                    done = true;
                    break;
                }
                for (int i = 0; i < p; i++) {
                    v[i] = w[i] / n;
                }
                if (it > 1 && Math.abs(eigenvalue - rayleigh) / (Math.abs(eigenvalue) + 1e-6) < tol) {
                    done = true;
                }
                eigenvalue = rayleigh;
            }
            Vectors.orthogonalizeInPlace(v, vectors, k);
            normalizeInPlace(v);
            values[k] = eigenvalue;
            vectors[k] = v;
            iterations[k] = it;
            converged[k] = done;
        }
        return new Result(values, vectors, iterations, converged);
    }

    /**
     * The most negative (smallest) eigenpair: if the top eigenvalue lambda_1 is &lt;= 0 it is already the smallest;
     * otherwise power iteration on A - lambda_1 I finds mu (the largest |.| there, lambda_min - lambda_1) and the
     * result is mu + lambda_1. The relative tol applies to mu, so the absolute error scales with the spectral range.
     * iterations counts both runs; converged is the second run's flag (the first only sets the shift).
     */
    public static Result bottom(SymmetricOperator a, int maxIter, double tol, SplittableRandom rng) {
        Result top = top(a, 1, maxIter, tol, rng);
        double shift = top.eigenvalues()[0];
        if (shift <= 0) {
            return top;
        }
        Result s = top(shifted(a, shift), 1, maxIter, tol, rng);
        return new Result(new double[] {s.eigenvalues()[0] + shift}, s.eigenvectors(),
                new int[] {top.iterations()[0] + s.iterations()[0]}, s.converged());
    }

    /** A - shift I, matrix-free. */
    public static SymmetricOperator shifted(SymmetricOperator a, double shift) {
        return new SymmetricOperator() {
            @Override
            public int dimension() {
                return a.dimension();
            }

            @Override
            public void apply(double[] v, double[] out) {
                a.apply(v, out);
                Vectors.axpyInPlace(-shift, v, out);
            }
        };
    }

    private static void normalizeInPlace(double[] v) {
        double n = Vectors.norm(v);
        if (n == 0) {
            throw new GoldstoneException("power iteration vector vanished after deflation (count > rank of the"
                    + " complement?)");
        }
        Vectors.scaleInPlace(1.0 / n, v);
    }
}
