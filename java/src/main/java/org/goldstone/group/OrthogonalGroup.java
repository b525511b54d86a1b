package org.goldstone.group;

import java.util.SplittableRandom;

/** O(k): each unit is a real k-vector x_j, acted on by x_j -> R x_j. */
public record OrthogonalGroup(int k) implements Group {
    public OrthogonalGroup {
        if (k < 1) {
            throw new IllegalArgumentException("O(k): expected k >= 1, found " + k);
        }
    }

    @Override
    public int unitDim() {
        return k;
    }

    @Override
    public String label() {
        return "O(" + k + ")";
    }

    /** Haar sample: QR of a Gaussian matrix with the signs of R's diagonal fixed (determinant +1 or -1). */
    @Override
    public GroupElement sample(SplittableRandom rng) {
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = gaussian(rng);
            }
        }
        // modified Gram-Schmidt on the columns, two passes; the column signs follow the Gaussian, so the law is Haar
        // on O(k)
        double[][] q = new double[k][k];
        for (int j = 0; j < k; j++) {
            double[] v = new double[k];
            for (int i = 0; i < k; i++) {
                v[i] = a[i][j];
            }
            for (int pass = 0; pass < 2; pass++) {                 // twice is enough: orthogonal to 1e-16
                for (int p = 0; p < j; p++) {
                    double d = 0;
                    for (int i = 0; i < k; i++) {
                        d += q[i][p] * v[i];
                    }
                    for (int i = 0; i < k; i++) {
                        v[i] -= d * q[i][p];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < k; i++) {
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < k; i++) {
                q[i][j] = v[i] / norm;
            }
        }
        return GroupElement.matrix(q);
    }

    static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public String toString() {
        return label();
    }
}
