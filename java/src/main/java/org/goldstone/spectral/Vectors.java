package org.goldstone.spectral;

import java.util.SplittableRandom;
import org.goldstone.tensor.HostVectors;

/** The estimators' vector kernels: {@link HostVectors} plus probes and the blocked reorthogonalization. */
final class Vectors {
    private Vectors() {
    }

    static double dot(double[] x, double[] y) {
        return HostVectors.dot(x, y);
    }

    static double dot(double[] x, double[] y, int from, int to) {
        return HostVectors.dot(x, y, from, to);
    }

    static double norm(double[] x) {
        return HostVectors.norm(x);
    }

    static void axpyInPlace(double alpha, double[] x, double[] y) {
        HostVectors.axpyInPlace(alpha, x, y);
    }

    static void scaleInPlace(double alpha, double[] x) {
        HostVectors.scaleInPlace(alpha, x);
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

    /** Below this ratio |w after| / |w before| of a pass, a second pass runs (Daniel, Gragg, Kaufman, Stewart 1976). */
    static final double DGKS = 0.7071067811865476;

    /**
     * Removes from w its components along the orthonormal vectors q[0..count) by classical Gram-Schmidt, with a
     * second pass whenever the first removed more than about 30 % of |w| ("twice is enough", applied when it is
     * needed: the DGKS criterion). Each pass computes all the coefficients in one sweep over q and applies them in a
     * second, both split into two halves of the index range on two threads; partial sums are added in a fixed
     * order, so the result does not depend on scheduling. w: modified.
     */
    static void orthogonalizeInPlace(double[] w, double[][] q, int count) {
        if (count == 0) {
            return;
        }
        double before = norm(w);
        for (int pass = 0; pass < 2; pass++) {
            double[] c = coefficients(q, count, w);
            update(q, count, c, w);
            double after = norm(w);
            if (after > DGKS * before) {
                return;
            }
            before = after;
        }
    }

    private static double[] coefficients(double[][] q, int count, double[] w) {
        int p = w.length, half = p / 2;
        double[][] partial = new double[2][count];
        java.util.concurrent.ForkJoinTask<?> second = java.util.concurrent.ForkJoinPool.commonPool().submit(() ->
                dots(q, count, w, half, p, partial[1]));
        dots(q, count, w, 0, half, partial[0]);
        second.join();
        double[] c = new double[count];
        for (int k = 0; k < count; k++) {
            c[k] = partial[0][k] + partial[1][k];
        }
        return c;
    }

    private static void dots(double[][] q, int count, double[] w, int from, int to, double[] out) {
        for (int k = 0; k < count; k++) {
            out[k] = dot(q[k], w, from, to);
        }
    }

    private static void update(double[][] q, int count, double[] c, double[] w) {
        int p = w.length, half = p / 2;
        java.util.concurrent.ForkJoinTask<?> second = java.util.concurrent.ForkJoinPool.commonPool().submit(() ->
                subtract(q, count, c, w, half, p));
        subtract(q, count, c, w, 0, half);
        second.join();
    }

    /** w[from..to) -= sum_k c_k q_k, in blocks of 2048 entries so the block of w stays in cache. */
    private static void subtract(double[][] q, int count, double[] c, double[] w, int from, int to) {
        for (int b = from; b < to; b += 2048) {
            int e = Math.min(to, b + 2048);
            for (int k = 0; k < count; k++) {
                double[] qk = q[k];
                double ck = c[k];
                for (int i = b; i < e; i++) {
                    w[i] -= ck * qk[i];
                }
            }
        }
    }
}
