package org.goldstone.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NewtonPolishTest {
    @Test
    void quadraticInOneStep() {
        SplittableRandom rng = new SplittableRandom(12);
        int n = 25;
        Problems.Quadratic q = Problems.Quadratic.random(n, 0.1, rng);
        Result r = NewtonPolish.minimize(q, Problems.gaussian(n, rng), 1e-12, 5);
        double err = Problems.maxAbsDiff(r.theta(), BfgsTest.solve(q.a, q.b));
        assertTrue(r.converged(), () -> "Newton on a quadratic: " + r);
        assertEquals(1, r.iterations(), () -> "Newton steps on a quadratic: " + r);
        assertTrue(err < 1e-11, () -> "|x - A^-1 b|_inf = " + err);
        assertEquals(2 * n, r.hessianVectorProducts(), "one assembly at the start and one at the end");
        assertEquals(n, r.eigen().dimension());
    }

    @Test
    void rosenbrockFromNearby() {
        double[] x0 = {1.1, 1.25, 1.5, 2.2, 4.9};
        Result r = NewtonPolish.minimize(new Problems.Rosenbrock(5), x0, 1e-13, 50);
        double[] ones = new double[5];
        Arrays.fill(ones, 1);
        double err = Problems.maxAbsDiff(r.theta(), ones);
        assertTrue(r.converged(), () -> "Newton on Rosenbrock 5d: " + r);
        assertTrue(err < 1e-12, () -> "|x - 1|_inf = " + err + " after " + r);
    }

    @Test
    void zeroModeGetsNoStep() {
        // on the circle of minima the tangent is an exact null vector: the step must not move along it
        Problems.Circle f = new Problems.Circle(1e-3);
        double r2 = 1 - f.mu / 4;
        double phi = 0.7;
        double[] x0 = {Math.sqrt(r2) * Math.cos(phi) * 1.01, Math.sqrt(r2) * Math.sin(phi) * 1.01, 1.02};
        Result r = NewtonPolish.minimize(f, x0, 1e-14, 20);
        double angle = Math.atan2(r.theta()[1], r.theta()[0]);
        assertTrue(r.converged(), () -> "Newton on the circle: " + r);
        assertTrue(Math.abs(angle - phi) < 1e-12, () -> "angle moved from " + phi + " to " + angle);
    }

    @Test
    void negativeCurvatureIsDescendedNotClimbed() {
        // near the origin the circle objective has a local maximum in (x, y): plain Newton would jump to it,
        // the |lambda| step must walk down to the circle of minima
        Problems.Circle f = new Problems.Circle(1e-3);
        double[] x0 = {0.05, 0.02, 0.3};
        double[] g0 = new double[3];
        double f0 = f.valueAndGradient(x0, g0);
        Result r = NewtonPolish.minimize(f, x0, 1e-13, 100);
        double r2 = r.theta()[0] * r.theta()[0] + r.theta()[1] * r.theta()[1];
        assertTrue(r.converged(), () -> "Newton from near the maximum: " + r + " eigenvalues "
                + Arrays.toString(r.eigen().values()));
        assertTrue(r.value() < f0, () -> "value went from " + f0 + " to " + r.value());
        assertEquals(1 - f.mu / 4, r2, 1e-14, "radius^2 of the end point");
        assertTrue(r.eigen().values()[0] > -1e-9, () -> "lowest eigenvalue " + r.eigen().values()[0]);
    }

    @Test
    void maxStepsZeroOnlyDiagonalizes() {
        Problems.Circle f = new Problems.Circle(1e-3);
        Result r = NewtonPolish.minimize(f, new double[] {0.5, 0.5, 0.5}, 1e-13, 0);
        assertEquals(Result.Stop.MAX_ITERATIONS, r.stop());
        assertEquals(0, r.iterations());
        assertEquals(3, r.hessianVectorProducts());
        assertEquals(3, r.eigen().dimension());
    }
}
