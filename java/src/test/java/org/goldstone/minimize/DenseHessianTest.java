package org.goldstone.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseHessianTest {
    @Test
    void quadraticHessianIsA() {
        SplittableRandom rng = new SplittableRandom(21);
        int n = 9;
        Problems.Quadratic q = Problems.Quadratic.random(n, 0.5, rng);
        DenseHessian h = DenseHessian.assemble(q, Problems.gaussian(n, rng));
        assertEquals(0, h.asymmetry(), 0, "asymmetry of an exactly symmetric HVP");
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(q.a[i][j], h.h()[i][j], 1e-15, "H[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void asymmetryIsReportedAndSymmetrized() {
        // an "HVP" out = B v with B = [[1, 2], [0, 4]]: max|B - B^T| / max|B| = 2 / 4
        Objective f = new Objective() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public double valueAndGradient(double[] theta, double[] g) {
                g[0] = 0;
                g[1] = 0;
                return 0;
            }

            @Override
            public void hessianVector(double[] theta, double[] v, double[] out) {
                out[0] = v[0] + 2 * v[1];
                out[1] = 4 * v[1];
            }
        };
        DenseHessian h = DenseHessian.assemble(f, new double[2]);
        assertEquals(0.5, h.asymmetry(), 1e-15, "asymmetry");
        assertEquals(1.0, h.h()[0][1], 0, "H01 = (2 + 0) / 2");
        assertEquals(1.0, h.h()[1][0], 0, "H10");
    }

    @Test
    void eigHasAscendingOrthonormalVectorsAlsoInADegenerateCluster() {
        SplittableRandom rng = new SplittableRandom(22);
        int n = 12;
        double[] spectrum = {0, 0, 0, 1e-3, 0.5, 1, 1, 2, 3, -4, 5, 7};
        double[][] v = Problems.orthonormalRows(Problems.gaussian(n, n, rng));
        double[][] m = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i][a] * spectrum[i] * v[i][b];
                }
                m[a][b] = s;
            }
        }
        Eigen e = DenseHessian.eig(m);
        double[] sorted = spectrum.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(sorted[i], e.values()[i], 1e-13, "eigenvalue " + i);
            for (int j = 0; j < n; j++) {
                double d = VectorMath.dot(e.vectors()[i], e.vectors()[j]);
                assertEquals(i == j ? 1 : 0, d, 1e-13, "<v" + i + ", v" + j + ">");
            }
            double[] mv = new double[n];
            for (int a = 0; a < n; a++) {
                mv[a] = VectorMath.dot(m[a], e.vectors()[i]);
            }
            double lambda = e.values()[i];
            double residual = 0;
            for (int a = 0; a < n; a++) {
                residual = Math.max(residual, Math.abs(mv[a] - lambda * e.vectors()[i][a]));
            }
            assertTrue(residual < 1e-13, "|M v - lambda v|_inf = " + residual + " for eigenvalue " + i);
        }
        assertEquals(3, e.countAbsBelow(1e-9), "zero eigenvalues");
        assertEquals(7, e.maxAbs(), 1e-13, "max |lambda|");
    }
}
