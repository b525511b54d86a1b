package org.goldstone.spectral;

import java.util.SplittableRandom;

/** Plain fp64 vector kernels shared by the estimators of this package: loops, no streams, no boxing. */
final class Vectors {
    private Vectors() {
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    /** {@code y += alpha x}. y: modified. */
    static void axpyInPlace(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** {@code x *= alpha}. x: modified. */
    static void scaleInPlace(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= alpha;
        }
    }

    /** Entries +-1 with probability 1/2 each. */
    static double[] rademacher(int p, SplittableRandom rng) {
        double[] v = new double[p];
        for (int i = 0; i < p; i++) {
            v[i] = rng.nextBoolean() ? 1.0 : -1.0;
        }
        return v;
    }

    static double[] gaussian(int p, SplittableRandom rng) {
        double[] v = new double[p];
        for (int i = 0; i < p; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    /** Index of the first NaN or infinite entry, or -1. */
    static int firstNonFinite(double[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Removes from w its components along the orthonormal vectors q[0..count), by classical Gram-Schmidt done twice
     * ("twice is enough": the second pass removes what rounding left after the first). w: modified.
     */
    static void orthogonalizeInPlace(double[] w, double[][] q, int count) {
        if (count == 0) {
            return;
        }
        double[] c = new double[count];
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < count; k++) {
                c[k] = dot(q[k], w);
            }
            for (int k = 0; k < count; k++) {
                axpyInPlace(-c[k], q[k], w);
            }
        }
    }
}
