package org.goldstone.spectral;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.goldstone.GoldstoneException;

/**
 * Eigen-decomposition of the small dense symmetric matrices the Krylov methods produce (tridiagonal T of Lanczos,
 * block tridiagonal T of block Lanczos), through EJML's symmetric QR algorithm. Values ascending.
 */
final class SymmetricEigen {
    /** Ascending eigenvalues. */
    final double[] values;
    /** vectors[k][i]: component k of the unit eigenvector of values[i]. */
    final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** t: read (n x n, symmetric; only its symmetric part is used). */
    static SymmetricEigen of(double[][] t) {
        int n = t.length;
        if (n == 0) {
            return new SymmetricEigen(new double[0], new double[0][0]);
        }
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                m.set(r, c, 0.5 * (t[r][c] + t[c][r]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            throw new GoldstoneException("symmetric eigensolver failed on a " + n + " x " + n + " Krylov matrix");
        }
        double[] raw = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            raw[i] = eig.getEigenvalue(i).getReal();
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(raw[x], raw[y]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int i = 0; i < n; i++) {
            int src = order[i];
            values[i] = raw[src];
            DMatrixRMaj v = eig.getEigenVector(src);
            for (int k = 0; k < n; k++) {
                vectors[k][i] = v.get(k, 0);
            }
        }
        return new SymmetricEigen(values, vectors);
    }
}
