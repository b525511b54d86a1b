package org.goldstone.minimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.goldstone.GoldstoneException;
import org.junit.jupiter.api.Test;

class BfgsTest {
    @Test
    void quadraticReachesExactMinimizer() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 30;
        Problems.Quadratic q = Problems.Quadratic.random(n, 0.1, rng);
        double[] x0 = Problems.gaussian(n, rng);
        double[] before = x0.clone();
        Result r = Bfgs.minimize(q, x0, 1e-11, 500);
        double[] exact = solve(q.a, q.b);
        double err = Problems.maxAbsDiff(r.theta(), exact);
        assertTrue(r.converged(), () -> "BFGS on a quadratic, P=" + n + ": " + r);
        assertTrue(err < 1e-9, () -> "|x - A^-1 b|_inf = " + err + " after " + r);
        // with unit steps (no exact line search) BFGS is superlinear, not finite, on a quadratic: about 3P
        // iterations to 1e-11 at condition number ~40 (the same count as a plain numpy BFGS)
        assertTrue(r.iterations() <= 4 * n, () -> "iterations: expected <= " + 4 * n + ", found " + r.iterations());
        assertArrayEquals(before, x0, 0, "theta0 must not be modified");
        assertEquals(r.gradNormInf(), VectorMath.normInf(r.gradient()), 0);
        assertTrue(r.hessian() == null && r.eigen() == null, "BFGS carries no dense Hessian");
    }

    @Test
    void rosenbrock2d() {
        Result r = Bfgs.minimize(new Problems.Rosenbrock(2), new double[] {-1.2, 1}, 1e-10, 1000);
        double err = Problems.maxAbsDiff(r.theta(), new double[] {1, 1});
        assertTrue(r.converged() && r.gradNormInf() < 1e-10, () -> "Rosenbrock 2d: " + r);
        assertTrue(err < 1e-8, () -> "|x - 1|_inf = " + err + " after " + r);
    }

    @Test
    void rosenbrock10d() {
        double[] ones = new double[10];
        Arrays.fill(ones, 1);
        Result r = Bfgs.minimize(new Problems.Rosenbrock(10), new double[10], 1e-10, 2000);
        double err = Problems.maxAbsDiff(r.theta(), ones);
        assertTrue(r.converged() && r.gradNormInf() < 1e-10, () -> "Rosenbrock 10d: " + r);
        assertTrue(err < 1e-8, () -> "|x - 1|_inf = " + err + " after " + r);
    }

    @Test
    void historyIsThinnedAndEndsAtTheLastIterate() {
        Result r = Bfgs.minimize(new Problems.Rosenbrock(10), new double[10], 1e-10, 2000);
        Result.Step first = r.history().get(0);
        Result.Step last = r.history().get(r.history().size() - 1);
        assertEquals(0, first.iteration(), "first history entry");
        assertEquals(r.iterations(), last.iteration(), "last history entry");
        assertEquals(r.gradNormInf(), last.gradNormInf(), 0, "last history |g|");
        assertTrue(r.evaluations() >= r.iterations() + 1,
                () -> "evaluations " + r.evaluations() + " < iterations + 1 = " + (r.iterations() + 1));
    }

    @Test
    void maxIterationsStops() {
        Result r = Bfgs.minimize(new Problems.Rosenbrock(2), new double[] {-1.2, 1}, 1e-10, 3);
        assertEquals(Result.Stop.MAX_ITERATIONS, r.stop(), () -> r.toString());
        assertEquals(3, r.iterations());
    }

    @Test
    void rejectsBadArguments() {
        Problems.Rosenbrock f = new Problems.Rosenbrock(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bfgs.minimize(f, new double[2], 1e-8, 10));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bfgs.minimize(f, new double[3], -1, 10));
        assertThrows(GoldstoneException.class,
                () -> Bfgs.minimize(f, new double[] {Double.NaN, 0, 0}, 1e-8, 10));
    }

    static double[] solve(double[][] a, double[] b) {
        DMatrixRMaj m = new DMatrixRMaj(a);
        DMatrixRMaj rhs = new DMatrixRMaj(b.length, 1, true, b);
        DMatrixRMaj x = new DMatrixRMaj(b.length, 1);
        assertTrue(CommonOps_DDRM.solve(m, rhs, x), "reference solve failed");
        return x.data.clone();
    }
}
