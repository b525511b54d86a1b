package org.goldstone.spectral;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;

/** A dense matrix as an operator, with the planted spectrum when built as Q diag(lambda) Q^T. Test helper. */
final class ExplicitOperator implements SymmetricOperator {
    final double[][] matrix;
    /** The planted eigenvalues (null for {@link #of}). */
    final double[] spectrum;
    /** q[i] = the unit eigenvector of spectrum[i] (null for {@link #of}). */
    final double[][] eigenvectors;
    int applications;

    private ExplicitOperator(double[][] matrix, double[] spectrum, double[][] eigenvectors) {
        this.matrix = matrix;
        this.spectrum = spectrum;
        this.eigenvectors = eigenvectors;
    }

    /** The spectrum {-1, 2, 5} repeated over p dimensions (every Krylov space is exhausted in 3 steps). */
    static ExplicitOperator threeValued(int p, SplittableRandom rng) {
        double[] lambda = new double[p];
        for (int i = 0; i < p; i++) {
            lambda[i] = i % 3 == 0 ? -1 : i % 3 == 1 ? 2 : 5;
        }
        return withSpectrum(lambda, rng);
    }

    /** Q diag(lambda) Q^T with Q Haar-like orthogonal (QR of a Gaussian matrix), symmetrized exactly. */
    static ExplicitOperator withSpectrum(double[] lambda, SplittableRandom rng) {
        int p = lambda.length;
        DMatrixRMaj g = new DMatrixRMaj(p, p);
        for (int i = 0; i < p * p; i++) {
            g.data[i] = rng.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(p, p);
        qr.decompose(g);
        DMatrixRMaj q = qr.getQ(null, false);
        double[][] vectors = new double[p][p];
        for (int k = 0; k < p; k++) {
            for (int i = 0; i < p; i++) {
                vectors[k][i] = q.get(i, k);
            }
        }
        double[][] a = new double[p][p];
        for (int k = 0; k < p; k++) {
            for (int i = 0; i < p; i++) {
                double s = lambda[k] * vectors[k][i];
                for (int j = 0; j < p; j++) {
                    a[i][j] += s * vectors[k][j];
                }
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = i + 1; j < p; j++) {
                double m = 0.5 * (a[i][j] + a[j][i]);
                a[i][j] = m;
                a[j][i] = m;
            }
        }
        return new ExplicitOperator(a, lambda.clone(), vectors);
    }

    /** Any square matrix (not necessarily symmetric: the asymmetry tests use this). */
    static ExplicitOperator of(double[][] matrix) {
        return new ExplicitOperator(matrix, null, null);
    }

    @Override
    public int dimension() {
        return matrix.length;
    }

    @Override
    public void apply(double[] v, double[] out) {
        applications++;
        int p = matrix.length;
        for (int i = 0; i < p; i++) {
            double s = 0;
            double[] row = matrix[i];
            for (int j = 0; j < p; j++) {
                s += row[j] * v[j];
            }
            out[i] = s;
        }
    }

    double trace() {
        double t = 0;
        for (int i = 0; i < matrix.length; i++) {
            t += matrix[i][i];
        }
        return t;
    }

    /** Eigenvalues of the stored matrix by EJML's dense symmetric solver, ascending (the "dense truth"). */
    double[] denseEigenvalues() {
        int p = matrix.length;
        DMatrixRMaj m = new DMatrixRMaj(matrix);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(p, false, true);
        if (!eig.decompose(m)) {
            throw new AssertionError("dense eigensolver failed");
        }
        double[] out = new double[p];
        for (int i = 0; i < p; i++) {
            out[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(out);
        return out;
    }
}
