package org.goldstone.minimize;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.goldstone.GoldstoneException;

/**
 * The exact dense Hessian of an {@link Objective}, assembled column by column from P Hessian-vector products and
 * symmetrized, H = (C + C^T)/2 with C[:, j] = H e_j. The matrix array is owned by the record and not copied.
 *
 * @param h the symmetrized matrix, {@code h[i][j]}, P x P
 * @param asymmetry max_ij |C_ij - C_ji| / max_ij |C_ij| of the raw columns (0 when C = 0): an exact R-operator
 *     gives rounding level (~1e-15), a finite-difference one ~1e-8; anything larger means the HVP is not a
 *     Hessian
 */
public record DenseHessian(double[][] h, double asymmetry) {
    public DenseHessian {
        if (h == null) {
            throw new IllegalArgumentException("h must be present");
        }
        for (int i = 0; i < h.length; i++) {
            if (h[i].length != h.length) {
                throw new IllegalArgumentException("h row " + i + " length: expected " + h.length + ", found "
                        + h[i].length);
            }
        }
    }

    /** P. */
    public int dimension() {
        return h.length;
    }

    /** The eigen-decomposition of {@link #h}. */
    public Eigen eig() {
        return eig(h);
    }

    /**
     * Assembles H(theta) from P calls of {@link Objective#hessianVector} with the unit vectors, then symmetrizes.
     * theta: read. Throws {@link GoldstoneException} when an entry is not finite.
     */
    public static DenseHessian assemble(Objective f, double[] theta) {
        VectorMath.requireDimension(f, theta);
        int p = theta.length;
        double[][] c = new double[p][];
        double[] e = new double[p];
        for (int j = 0; j < p; j++) {
            e[j] = 1;
            double[] col = new double[p];
            f.hessianVector(theta, e, col);
            e[j] = 0;
            if (!VectorMath.allFinite(col)) {
                throw new GoldstoneException("non-finite Hessian column " + j + " of " + p);
            }
            c[j] = col;
        }
        // c[j][i] = C_ij (column j); build the symmetric part in place of the rows
        double maxAbs = 0;
        double maxAsym = 0;
        double[][] h = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                double cij = c[j][i];
                double cji = c[i][j];
                maxAbs = Math.max(maxAbs, Math.max(Math.abs(cij), Math.abs(cji)));
                maxAsym = Math.max(maxAsym, Math.abs(cij - cji));
                double s = 0.5 * (cij + cji);
                h[i][j] = s;
                h[j][i] = s;
            }
        }
        return new DenseHessian(h, maxAbs == 0 ? 0 : maxAsym / maxAbs);
    }

    /**
     * Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, by EJML's symmetric QR algorithm
     * (Householder tridiagonalization, then implicit QR; Golub and Van Loan, ch. 8). h: read; only its symmetric
     * part matters in exact arithmetic, but it should be symmetric. O(P^3).
     */
    public static Eigen eig(double[][] h) {
        int p = h.length;
        DMatrixRMaj a = new DMatrixRMaj(p, p);
        for (int i = 0; i < p; i++) {
            if (h[i].length != p) {
                throw new IllegalArgumentException("h row " + i + " length: expected " + p + ", found " + h[i].length);
            }
            for (int j = 0; j < p; j++) {
                a.unsafe_set(i, j, h[i][j]);
            }
        }
        if (p == 0) {
            return new Eigen(new double[0], new double[0][]);
        }
        EigenDecomposition_F64<DMatrixRMaj> dec = DecompositionFactory_DDRM.eig(p, true, true);
        if (!dec.decompose(a)) {
            throw new GoldstoneException("symmetric eigen-decomposition of a " + p + " x " + p
                    + " matrix did not converge");
        }
        double[] raw = new double[p];
        Integer[] order = new Integer[p];
        for (int i = 0; i < p; i++) {
            raw[i] = dec.getEigenvalue(i).getReal();
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(raw[x], raw[y]));
        double[] values = new double[p];
        double[][] vectors = new double[p][];
        for (int k = 0; k < p; k++) {
            int i = order[k];
            DMatrixRMaj v = dec.getEigenVector(i);
            if (v == null) {
                throw new GoldstoneException("eigenvector " + i + " of a " + p + " x " + p + " symmetric matrix is "
                        + "missing (eigenvalue " + raw[i] + ")");
            }
            double[] u = new double[p];
            double norm = 0;
            for (int r = 0; r < p; r++) {
                u[r] = v.get(r, 0);
                norm += u[r] * u[r];
            }
            // EJML returns unit vectors already; renormalize so the contract does not rest on that
            norm = Math.sqrt(norm);
            for (int r = 0; r < p; r++) {
                u[r] /= norm;
            }
            values[k] = raw[i];
            vectors[k] = u;
        }
        return new Eigen(values, vectors);
    }
}
