package org.goldstone.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BFGS then Newton on objectives with exact continuous symmetries: the zero-mode count must match the orbit. */
class PolishTest {
    private static final double ZERO = 1e-9;
    private static final double GAP = 1e-3;

    @Test
    void rosenbrockToRoundingLevel() {
        for (int n : new int[] {2, 10}) {
            double[] x0 = new double[n];
            x0[0] = -1.2;
            Result r = Polish.minimize(new Problems.Rosenbrock(n), x0, 1e-6, 1e-13, 2000, 20);
            double[] ones = new double[n];
            Arrays.fill(ones, 1);
            double err = Problems.maxAbsDiff(r.theta(), ones);
            assertTrue(r.converged() && r.gradNormInf() < 1e-13, () -> "Rosenbrock " + n + "d: " + r);
            assertTrue(err < 1e-12, () -> "Rosenbrock " + n + "d: |x - 1|_inf = " + err);
            assertEquals(0, r.eigen().countAbsBelow(ZERO),
                    () -> "no zero modes: " + Arrays.toString(r.eigen().values()));
        }
    }

    @Test
    void circleOfMinimaHasOneZeroMode() {
        Problems.Circle f = new Problems.Circle(1e-3);
        double[][] starts = {{0.3, -0.8, 0.1}, {2, 1, -3}, {-0.1, 0.05, 4}};
        for (double[] x0 : starts) {
            Result r = Polish.minimize(f, x0, 1e-8, 1e-13, 500, 20);
            String where = "start " + Arrays.toString(x0) + ": " + r + ", eigenvalues "
                    + Arrays.toString(r.eigen().values());
            assertTrue(r.converged() && r.gradNormInf() < 1e-13, where);
            double r2 = r.theta()[0] * r.theta()[0] + r.theta()[1] * r.theta()[1];
            assertEquals(1 - f.mu / 4, r2, 1e-14, where + ": radius^2");
            assertEquals(2 / (2 + f.mu), r.theta()[2], 1e-14, where + ": z");
            assertZeroModes(r.eigen(), 1, where);
            // the remaining eigenvalues are 2 + mu (z) and 8 r^2 (radial)
            assertEquals(2 + f.mu, r.eigen().values()[1], 1e-12, where);
            assertEquals(8 * r2, r.eigen().values()[2], 1e-12, where);
            assertTrue(r.hessian().asymmetry() < 1e-15, where + ": asymmetry " + r.hessian().asymmetry());
        }
    }

    @Test
    void orthogonalFactorizationHasKChoose2ZeroModes() {
        double[] sigma = {4, 3, 2.5, 2, 1, 0.5, 0.3, 0.1};
        double mu = 1e-3;
        for (int k : new int[] {2, 3, 4}) {
            SplittableRandom rng = new SplittableRandom(100 + k);
            Problems.Factorization f = new Problems.Factorization(k, mu, sigma, rng);
            double[] w0 = Problems.gaussian(f.dimension(), rng);
            Result r = Polish.minimize(f, w0, 1e-8, 1e-13, 5000, 20);
            int predicted = k * (k - 1) / 2;
            String where = "O(" + k + ") factorization, P = " + f.dimension() + ": " + r + ", lowest eigenvalues "
                    + Arrays.toString(Arrays.copyOf(r.eigen().values(), predicted + 2));
            assertTrue(r.converged() && r.gradNormInf() < 1e-13, where);
            assertEquals(f.minimumValue(), r.value(), 1e-13, where + ": minimum value");
            assertZeroModes(r.eigen(), predicted, where);
            assertTangentsSpanZeroModes(r.eigen(), f.tangents(r.theta()), where);
        }
    }

    /** Exactly {@code predicted} eigenvalues with |lambda| &lt; ZERO and all the others &gt; GAP. */
    private static void assertZeroModes(Eigen e, int predicted, String where) {
        int zeros = e.countAbsBelow(ZERO);
        assertEquals(predicted, zeros, () -> where + ": zero modes (|lambda| < " + ZERO + ")");
        double[] sorted = e.values().clone();
        // order by |lambda|: the first `predicted` are the zero modes, the next one is the gap
        double[] abs = new double[sorted.length];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(sorted[i]);
        }
        Arrays.sort(abs);
        if (predicted < abs.length) {
            double next = abs[predicted];
            assertTrue(next > GAP, () -> where + ": smallest non-zero |lambda| " + next + " <= " + GAP);
        }
        for (double v : e.values()) {
            assertTrue(v > -ZERO, () -> where + ": negative eigenvalue " + v + " at a minimum");
        }
    }

    /**
     * The orthonormalized orbit tangents lie in the span of the zero-mode eigenvectors: each cos^2 of its angle to
     * that span is 1 to 1e-10 (SCIENCE d.8, step 5).
     */
    private static void assertTangentsSpanZeroModes(Eigen e, double[][] tangents, String where) {
        double[][] q = Problems.orthonormalRows(tangents);
        for (int a = 0; a < q.length; a++) {
            double cos2 = 0;
            for (int i = 0; i < e.dimension(); i++) {
                if (Math.abs(e.values()[i]) < ZERO) {
                    double c = VectorMath.dot(e.vectors()[i], q[a]);
                    cos2 += c * c;
                }
            }
            double found = cos2;
            int index = a;
            assertTrue(Math.abs(1 - found) < 1e-10, () -> where + ": tangent " + index
                    + " has cos^2 " + found + " with the zero-mode space");
        }
    }
}
