package org.goldstone.minimize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The test objectives' gradients and HVPs agree with central differences, so the counts above test the minimizer. */
class ProblemsTest {
    @Test
    void derivativesMatchCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(31);
        double[] sigma = {4, 3, 2.5, 2, 1, 0.5};
        Objective[] objectives = {new Problems.Rosenbrock(6), new Problems.Circle(1e-3),
            new Problems.Factorization(3, 1e-3, sigma, rng), Problems.Quadratic.random(7, 0.1, rng)};
        double h = 1e-5;
        for (Objective f : objectives) {
            int n = f.dimension();
            double[] x = Problems.gaussian(n, rng);
            double[] v = Problems.gaussian(n, rng);
            double[] g = new double[n];
            f.valueAndGradient(x, g);
            double[] hv = new double[n];
            f.hessianVector(x, v, hv);
            double[] xp = new double[n];
            double[] xm = new double[n];
            double[] gp = new double[n];
            double[] gm = new double[n];
            VectorMath.step(x, h, v, xp);
            VectorMath.step(x, -h, v, xm);
            double fd = (f.valueAndGradient(xp, gp) - f.valueAndGradient(xm, gm)) / (2 * h);
            double gv = VectorMath.dot(g, v);
            String name = f.getClass().getSimpleName();
            assertTrue(Math.abs(fd - gv) <= 1e-7 * (1 + Math.abs(gv)), name + ": g.v = " + gv + ", FD " + fd);
            for (int i = 0; i < n; i++) {
                double fdh = (gp[i] - gm[i]) / (2 * h);
                assertTrue(Math.abs(fdh - hv[i]) <= 1e-6 * (1 + Math.abs(hv[i])),
                        name + ": (Hv)[" + i + "] = " + hv[i] + ", FD " + fdh);
            }
        }
    }
}
