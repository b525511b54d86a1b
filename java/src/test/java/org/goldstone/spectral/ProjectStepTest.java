package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused host step of FULL Lanczos ({@link Vectors#projectStepInPlace}): one least-squares projection of w onto
 * a basis that is slightly off orthonormal (as an fp32 basis is), with the Gram column from the same sweep.
 */
class ProjectStepTest {
    /** A basis of n rows of length p, orthonormal up to about {@code off} in every inner product. */
    private static double[][] nearlyOrthonormal(int n, int p, double off, SplittableRandom rng) {
        double[][] q = new double[n][];
        for (int k = 0; k < n; k++) {
            double[] v = Vectors.gaussian(p, rng);
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < k; i++) {
                    double d = Vectors.dot(q[i], v);
                    for (int t = 0; t < p; t++) {
                        v[t] -= d * q[i][t];
                    }
                }
            }
            double norm = Math.sqrt(Vectors.dot(v, v));
            double[] noise = Vectors.gaussian(p, rng);
            for (int t = 0; t < p; t++) {
                v[t] = v[t] / norm + off * noise[t];          // |noise| ~ sqrt(p): q_i . q_k ~ off
            }
            q[k] = v;
        }
        return q;
    }

    @Test
    void theProjectionLeavesNothingAlongABasisThatIsNotQuiteOrthonormal() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 12, p = 4000;
        double[][] q = nearlyOrthonormal(n, p, 1e-6 / Math.sqrt(p), rng);
        double[] w = Vectors.gaussian(p, rng);
        for (int t = 0; t < p; t++) {                         // large components along the last two rows, as A v_j has
            w[t] = 1e-3 * w[t] + 50 * q[n - 1][t] + 7 * q[n - 2][t];
        }
        double[][] gram = new double[n][n];
        for (int j = 0; j < n - 1; j++) {                     // the columns earlier steps would have filled
            for (int k = 0; k <= j; k++) {
                gram[k][j] = gram[j][k] = Vectors.dot(q[k], q[j]);
            }
        }
        double[] ab = Vectors.projectStepInPlace(w, new HostBasis.F64(q), n, gram);
        assertEquals(50.0, ab[0], 1e-2, "alpha = the coefficient along the last row (50 + 1e-3 N(0, 1))");
        double worst = 0;
        for (double[] row : q) {
            worst = Math.max(worst, Math.abs(Vectors.dot(row, w)));
        }
        double norm = Math.sqrt(Vectors.dot(w, w));
        assertEquals(norm, ab[1], 1e-12 * norm, "|w| returned is |w| afterwards");
        // q_i . q_k ~ 3e-8 here: plain classical Gram-Schmidt of this w would leave about 3e-8 * 50 along the rows,
        // 2e-5 of |w| afterwards (0.06); the least-squares step leaves rounding only
        assertTrue(worst <= 1e-9 * norm, "max |q_k . w| / |w| = " + worst / norm + ", expected <= 1e-9");
        assertEquals(Vectors.dot(q[n - 1], q[n - 2]), gram[n - 2][n - 1], 1e-15, "the Gram column is recorded");
    }

    @Test
    void aBasisFarFromOrthonormalIsLeftToTheClassicalStep() {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 4, p = 500;
        double[][] q = nearlyOrthonormal(n, p, 0.1 / Math.sqrt(p), rng);   // |q_k|^2 - 1 ~ 1e-2
        double[] w = Vectors.gaussian(p, rng), before = w.clone();
        assertNull(Vectors.projectStepInPlace(w, new HostBasis.F64(q), n, new double[n][n]));
        assertArrayEquals(before, w, 0.0, "w is untouched");
    }

    @Test
    void aNonFiniteProductIsReportedAndNotUsed() {
        SplittableRandom rng = new SplittableRandom(5);
        double[][] q = nearlyOrthonormal(3, 100, 0, rng);
        double[] w = Vectors.gaussian(100, rng);
        w[17] = Double.NaN;
        double[] ab = Vectors.projectStepInPlace(w, new HostBasis.F64(q), 3, new double[3][3]);
        assertTrue(Double.isNaN(ab[0]));
    }
}
