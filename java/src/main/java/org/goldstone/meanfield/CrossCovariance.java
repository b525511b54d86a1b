package org.goldstone.meanfield;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.chol.CholeskyDecompositionInner_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.goldstone.group.GroupElement;
import org.goldstone.layer.Radial;

/**
 * The O(k) form of SCIENCE b.2: for two inputs, the k x k cross-covariance C_12 = E[y(x1) y(x2)^T] of a unit's
 * pre-activations. With W (x) I_k weights, one layer maps it to C' = sigma_w^2 E[f(y1) f(y2)^T] over the jointly
 * Gaussian pair with E[y1 y1^T] = (q1/k) I, E[y2 y2^T] = (q2/k) I, E[y1 y2^T] = C. Equivariance (f(R y) = R f(y)
 * for R in O(k)) makes the map commute with C -> R C and C -> C R^T, so the orthogonal polar factor of C (the
 * relative orientation of the two inputs, O(k)'s Goldstone manifold) is carried through unchanged while the
 * symmetric factor evolves; g.17 checks this by Monte Carlo.
 */
public final class CrossCovariance {
    private CrossCovariance() {
    }

    /**
     * One mean-field layer by Monte Carlo with {@code samples} pairs: returns C'. Throws when the pair covariance
     * [[q1/k I, C], [C^T, q2/k I]] is not positive definite (|C| too large for q1, q2).
     */
    public static double[][] next(Radial radial, double sigmaW, double q1, double q2, double[][] c, int samples,
                                  SplittableRandom rng) {
        int k = c.length;
        if (k < 1 || samples < 1 || !(q1 > 0) || !(q2 > 0)) {
            throw new IllegalArgumentException("cross-covariance map: expected k >= 1, samples >= 1, q1, q2 > 0,"
                    + " found k = " + k + ", samples = " + samples + ", q = " + q1 + ", " + q2);
        }
        double[][] factor = pairFactor(q1, q2, c);
        int m = 2 * k;
        double[] l = new double[m * m];                  // lower triangular, row-major 2k x 2k
        for (int i = 0; i < m; i++) {
            System.arraycopy(factor[i], 0, l, i * m, m);
        }
        double[] g = new double[m];
        double[] y = new double[m];
        double[][] sum = new double[k][k];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < m; i++) {
                g[i] = rng.nextGaussian();
            }
            for (int i = 0; i < m; i++) {
                double v = 0;
                for (int j = 0; j <= i; j++) {
                    v += l[i * m + j] * g[j];
                }
                y[i] = v;
            }
            double n1 = 0;
            double n2 = 0;
            for (int a = 0; a < k; a++) {
                n1 += y[a] * y[a];
                n2 += y[k + a] * y[k + a];
            }
            double h1 = radial.h(n1);
            double h2 = radial.h(n2);
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    sum[a][b] += h1 * y[a] * h2 * y[k + b];
                }
            }
        }
        double scale = sigmaW * sigmaW / samples;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                sum[a][b] *= scale;
            }
        }
        return sum;
    }

    /**
     * The lower Cholesky factor L of the pair covariance [[q1/k I, C], [C^T, q2/k I]] (y = L g, g standard normal,
     * has it); throws when it is not positive definite (|C| too large for q1, q2).
     */
    static double[][] pairFactor(double q1, double q2, double[][] c) {
        int k = c.length;
        DMatrixRMaj sigma = new DMatrixRMaj(2 * k, 2 * k);
        for (int a = 0; a < k; a++) {
            if (c[a].length != k) {
                throw new IllegalArgumentException("cross-covariance: expected a " + k + " x " + k
                        + " matrix, found a row of " + c[a].length);
            }
            sigma.set(a, a, q1 / k);
            sigma.set(k + a, k + a, q2 / k);
            for (int b = 0; b < k; b++) {
                sigma.set(a, k + b, c[a][b]);
                sigma.set(k + b, a, c[a][b]);
            }
        }
        CholeskyDecompositionInner_DDRM chol = new CholeskyDecompositionInner_DDRM(true);
        if (!chol.decompose(sigma)) {
            throw new IllegalArgumentException("cross-covariance: the pair covariance is not positive definite"
                    + " (expected singular values of C below sqrt(q1 q2)/k = " + Math.sqrt(q1 * q2) / k + ")");
        }
        DMatrixRMaj t = chol.getT();
        double[][] out = new double[2 * k][2 * k];
        for (int i = 0; i < 2 * k; i++) {
            for (int j = 0; j <= i; j++) {
                out[i][j] = t.get(i, j);
            }
        }
        return out;
    }

    /** The orthogonal polar factor U V^T of C = U S V^T (the nearest orthogonal matrix). */
    public static double[][] polarFactor(double[][] c) {
        int k = c.length;
        DMatrixRMaj a = new DMatrixRMaj(c);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(k, k, true, true, false);
        if (!svd.decompose(a)) {
            throw new IllegalArgumentException("polar factor: the SVD did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj v = svd.getV(null, false);
        DMatrixRMaj p = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multTransB(u, v, p);
        double[][] out = new double[k][k];
        for (int r = 0; r < k; r++) {
            for (int col = 0; col < k; col++) {
                out[r][col] = p.get(r, col);
            }
        }
        return out;
    }

    /** The k x k matrix of a group element. */
    public static double[][] matrix(GroupElement g) {
        double[][] m = new double[g.dim()][g.dim()];
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m.length; c++) {
                m[r][c] = g.entry(r, c);
            }
        }
        return m;
    }

    /** Frobenius distance |A - B|_F. */
    public static double distance(double[][] a, double[][] b) {
        double s = 0;
        for (int r = 0; r < a.length; r++) {
            for (int col = 0; col < a[r].length; col++) {
                double d = a[r][col] - b[r][col];
                s += d * d;
            }
        }
        return Math.sqrt(s);
    }
}
