package org.goldstone.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LineSearchTest {
    @Test
    void cubicInterpolationIsExactOnACubic() {
        // phi(a) = (a - 1)^3 / 3 - (a - 1) ... local minimizer at a = 2
        double lo = 0.5;
        double hi = 3;
        double a = StrongWolfe.cubicMinimizer(lo, phi(lo), dphi(lo), hi, phi(hi), dphi(hi));
        assertEquals(2, a, 1e-12, "cubic minimizer");
        double b = StrongWolfe.cubicMinimizer(hi, phi(hi), dphi(hi), lo, phi(lo), dphi(lo));
        assertEquals(2, b, 1e-12, "cubic minimizer, reversed bracket");
    }

    private static double phi(double a) {
        return Math.pow(a - 1, 3) / 3 - (a - 1);
    }

    private static double dphi(double a) {
        return (a - 1) * (a - 1) - 1;
    }

    @Test
    void stepsSatisfyStrongWolfe() {
        Problems.Rosenbrock f = new Problems.Rosenbrock(2);
        double[][] starts = {{-1.2, 1}, {0, 0}, {2, 2}, {-0.5, 3}};
        for (double[] x : starts) {
            double[] g = new double[2];
            double fx = f.valueAndGradient(x, g);
            double[] p = {-g[0], -g[1]};
            double dphi0 = VectorMath.dot(g, p);
            for (double alpha1 : new double[] {1e-4, 1e-3, 1, 10}) {
                StrongWolfe ls = new StrongWolfe(f);
                StrongWolfe.Outcome o = ls.search(x, fx, dphi0, p, alpha1);
                String where = "start (" + x[0] + ", " + x[1] + "), alpha1 " + alpha1;
                assertEquals(StrongWolfe.Outcome.WOLFE, o, where);
                double dphi = VectorMath.dot(ls.gOut, p);
                assertTrue(ls.value <= fx + StrongWolfe.C1 * ls.alpha * dphi0,
                        where + ": sufficient decrease fails, phi = " + ls.value + ", phi0 = " + fx);
                assertTrue(Math.abs(dphi) <= StrongWolfe.C2 * Math.abs(dphi0),
                        where + ": curvature fails, phi' = " + dphi + ", phi'(0) = " + dphi0);
                double[] g2 = new double[2];
                assertEquals(f.valueAndGradient(ls.xOut, g2), ls.value, 0, where + ": value belongs to xOut");
            }
        }
    }

    @Test
    void historyStaysShort() {
        History h = new History();
        for (int i = 0; i <= 10_000; i++) {
            h.record(i, -i, 1.0 / (i + 1));
        }
        var steps = h.steps();
        assertTrue(steps.size() <= 257, "history length " + steps.size());
        assertEquals(0, steps.get(0).iteration());
        assertEquals(10_000, steps.get(steps.size() - 1).iteration());
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i).iteration() > steps.get(i - 1).iteration(), "history out of order at " + i);
        }
    }
}
