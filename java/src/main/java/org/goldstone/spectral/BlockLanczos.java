package org.goldstone.spectral;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRPDecomposition_F64;
import org.goldstone.GoldstoneException;

/**
 * Block Lanczos with full reorthogonalization: the Krylov method that can count multiplicities (SCIENCE d.4 option
 * (b), lesson h.6). With blocks X_j of b orthonormal columns (X_0 = 0):
 *
 * <pre>
 *   X_1 R_0 = S   (S: P x b Rademacher, QR with column pivoting)
 *   W = A X_j - X_{j-1} B_{j-1}^T;  A_j = X_j^T W (symmetrized);  W -= X_j A_j
 *   W -= V (V^T W), twice, V = all basis columns so far
 *   W Pi = Q R (EJML QR with column pivoting); rank r = #{k : |R_kk| > tol * scale}
 *   X_{j+1} = first r columns of Q, reorthogonalized, completed by random orthogonal columns;  B_j = X_{j+1}^T W
 *   T = block tridiag(B^T, A, B);  Ritz values = eig(T) ascending
 * </pre>
 *
 * scale is the largest |entry| of the A_j and B_j so far. A block Krylov space meets an eigenspace of dimension k in
 * min(k, b) directions, so a k-fold eigenvalue (for example k Goldstone zero modes) appears k times among the Ritz
 * values once b &gt;= k and the run has converged; d.4 advises b &gt;= expected multiplicity + 2. The basis never
 * exceeds P vectors: the last block is cut to fit and the run stops at P. Columns added after a rank drop get B rows
 * of 0 (random restarts, as in {@link Lanczos}); their steps are listed in {@link BlockLanczosResult#deflations()}.
 *
 * <p>A non-finite product in block step j throws {@link NonFiniteProbeException} naming j;
 * {@code partial(BlockLanczosResult.class)} holds blocks 1..j-1 (null when j = 1).
 */
public final class BlockLanczos {
    private BlockLanczos() {
    }

    /** Rademacher start block, {@link Lanczos#DEFAULT_BREAKDOWN_TOL} as the rank tolerance. */
    public static BlockLanczosResult run(SymmetricOperator a, int blockSize, int steps, SplittableRandom rng) {
        return run(a, blockSize, steps, Lanczos.DEFAULT_BREAKDOWN_TOL, rng);
    }

    public static BlockLanczosResult run(SymmetricOperator a, int blockSize, int steps, double rankTol,
                                         SplittableRandom rng) {
        int p = a.dimension();
        if (blockSize < 1 || blockSize > p) {
            throw new GoldstoneException("block size must be in [1, P = " + p + "], got " + blockSize);
        }
        if (steps < 1) {
            throw new GoldstoneException("block Lanczos steps must be >= 1, got " + steps);
        }
        if (!(rankTol >= 0) || Double.isInfinite(rankTol)) {
            throw new GoldstoneException("block Lanczos rank tolerance must be finite and >= 0, got " + rankTol);
        }
        double[][] basis = new double[p][];
        int size = 0;
        List<double[][]> diag = new ArrayList<>();    // A_j, w_j x w_j
        List<double[][]> off = new ArrayList<>();     // B_j, w_{j+1} x w_j
        List<Integer> deflations = new ArrayList<>();

        double[][] s = new double[blockSize][];
        for (int c = 0; c < blockSize; c++) {
            s[c] = Vectors.rademacher(p, rng);
        }
        double[][] x = nextBlock(s, blockSize, basis, 0, 0, rng).columns;
        double[][] xPrev = null;
        double[][] bPrev = null;
        double scale = 0;
        for (int j = 0; j < steps; j++) {              // block step j + 1
            int wj = x.length;
            for (int c = 0; c < wj; c++) {
                basis[size++] = x[c];
            }
            double[][] w = new double[wj][];
            for (int c = 0; c < wj; c++) {
                w[c] = new double[p];
                a.apply(x[c], w[c]);
                int bad = Vectors.firstNonFinite(w[c]);
                if (bad >= 0) {
                    BlockLanczosResult partial = j == 0 ? null : result(diag, off, deflations);
                    throw new NonFiniteProbeException("BlockLanczos", j + 1, "column " + c + ", "
                            + NonFiniteProbeException.describe(w[c], bad), partial, null);
                }
                if (xPrev != null) {
                    for (int k = 0; k < xPrev.length; k++) {
                        Vectors.axpyInPlace(-bPrev[c][k], xPrev[k], w[c]);
                    }
                }
            }
            double[][] aj = new double[wj][wj];
            for (int r = 0; r < wj; r++) {
                for (int c = 0; c < wj; c++) {
                    aj[r][c] = Vectors.dot(x[r], w[c]);
                }
            }
            for (int r = 0; r < wj; r++) {
                for (int c = r + 1; c < wj; c++) {
                    double m = 0.5 * (aj[r][c] + aj[c][r]);
                    aj[r][c] = m;
                    aj[c][r] = m;
                }
                for (int c = 0; c < wj; c++) {
                    scale = Math.max(scale, Math.abs(aj[r][c]));
                }
            }
            diag.add(aj);
            int nextWidth = Math.min(blockSize, p - size);
            if (j + 1 == steps || nextWidth == 0) {
                break;
            }
            for (int c = 0; c < wj; c++) {
                for (int r = 0; r < wj; r++) {
                    Vectors.axpyInPlace(-aj[r][c], x[r], w[c]);
                }
                Vectors.orthogonalizeInPlace(w[c], basis, size);
            }
            Block next = nextBlock(w, nextWidth, basis, size, rankTol * scale, rng);
            double[][] bj = new double[nextWidth][wj];
            for (int k = 0; k < next.rank; k++) {
                for (int c = 0; c < wj; c++) {
                    bj[k][c] = Vectors.dot(next.columns[k], w[c]);
                    scale = Math.max(scale, Math.abs(bj[k][c]));
                }
            }
            if (next.rank < nextWidth) {
                deflations.add(j + 1);
            }
            off.add(bj);
            xPrev = x;
            bPrev = bj;
            x = next.columns;
        }
        return result(diag, off, deflations);
    }

    private record Block(double[][] columns, int rank) {
    }

    /**
     * Orthonormal columns spanning the numerical range of w (pivoted QR, |R_kk| > threshold), at most width of them,
     * orthogonalized against basis[0..size), completed to width columns by random vectors orthogonal to everything.
     */
    private static Block nextBlock(double[][] w, int width, double[][] basis, int size, double threshold,
                                   SplittableRandom rng) {
        int p = w[0].length, n = w.length;
        DMatrixRMaj m = new DMatrixRMaj(p, n);
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < p; i++) {
                m.unsafe_set(i, c, w[c][i]);
            }
        }
        QRPDecomposition_F64<DMatrixRMaj> qr = DecompositionFactory_DDRM.qrp(p, n);
        if (!qr.decompose(m)) {
            throw new GoldstoneException("pivoted QR failed on a " + p + " x " + n + " Lanczos block");
        }
        DMatrixRMaj q = qr.getQ(null, true);
        DMatrixRMaj r = qr.getR(null, true);
        int rank = 0;
        int diagonal = Math.min(n, width);
        while (rank < diagonal && Math.abs(r.get(rank, rank)) > threshold) {
            rank++;
        }
        double[][] cols = new double[width][];
        double[][] all = new double[size + width][];
        System.arraycopy(basis, 0, all, 0, size);
        int kept = 0;
        for (int k = 0; k < width; k++) {
            double[] v;
            if (k < rank) {
                v = new double[p];
                for (int i = 0; i < p; i++) {
                    v[i] = q.get(i, k);
                }
            } else {
                v = Vectors.gaussian(p, rng);
            }
            double before = Vectors.norm(v);
            Vectors.orthogonalizeInPlace(v, all, size + kept);
            double after = Vectors.norm(v);
            if (!(after > 1e-8 * before)) {
                throw new GoldstoneException("block Lanczos found no direction orthogonal to its " + (size + kept)
                        + " basis vectors in R^" + p);
            }
            Vectors.scaleInPlace(1.0 / after, v);
            cols[k] = v;
            all[size + kept] = v;
            kept++;
        }
        return new Block(cols, Math.min(rank, width));
    }

    private static BlockLanczosResult result(List<double[][]> diag, List<double[][]> off, List<Integer> deflations) {
        int blocks = diag.size();
        int[] widths = new int[blocks];
        int[] offset = new int[blocks + 1];
        for (int j = 0; j < blocks; j++) {
            widths[j] = diag.get(j).length;
            offset[j + 1] = offset[j] + widths[j];
        }
        int n = offset[blocks];
        double[][] t = new double[n][n];
        for (int j = 0; j < blocks; j++) {
            double[][] aj = diag.get(j);
            for (int r = 0; r < widths[j]; r++) {
                for (int c = 0; c < widths[j]; c++) {
                    t[offset[j] + r][offset[j] + c] = aj[r][c];
                }
            }
            if (j + 1 < blocks) {
                double[][] bj = off.get(j);
                for (int k = 0; k < widths[j + 1]; k++) {
                    for (int c = 0; c < widths[j]; c++) {
                        t[offset[j + 1] + k][offset[j] + c] = bj[k][c];
                        t[offset[j] + c][offset[j + 1] + k] = bj[k][c];
                    }
                }
            }
        }
        SymmetricEigen eig = SymmetricEigen.of(t);
        double[] weights = new double[n];
        int b1 = blocks == 0 ? 0 : widths[0];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int r = 0; r < b1; r++) {
                s += eig.vectors[r][i] * eig.vectors[r][i];
            }
            weights[i] = s / b1;
        }
        return new BlockLanczosResult(eig.values, weights, t, widths, deflations);
    }
}
