package org.goldstone.tensor;

/**
 * fp64 kernels on host vectors (the bookkeeping of estimators, minimizers and symmetry checks): plain loops, sums
 * with four interleaved partial sums added in a fixed order (deterministic, and four dependency chains instead of
 * one).
 */
public final class HostVectors {
    private HostVectors() {
    }

    public static double dot(double[] x, double[] y) {
        return dot(x, y, 0, x.length);
    }

    /** sum_i x_i y_i over [from, to). */
    public static double dot(double[] x, double[] y, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += x[i] * y[i];
            s1 += x[i + 1] * y[i + 1];
            s2 += x[i + 2] * y[i + 2];
            s3 += x[i + 3] * y[i + 3];
        }
        for (; i < to; i++) {
            s0 += x[i] * y[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The Euclidean norm. */
    public static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    /** {@code y += alpha x}. y: modified. */
    public static void axpyInPlace(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** {@code x *= alpha}. x: modified. */
    public static void scaleInPlace(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= alpha;
        }
    }
}
