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
        orthogonalizeInPlace(w, q, count, norm(w));
    }

    /**
     * As {@link #orthogonalizeInPlace(double[], double[][], int)} with |w| already known; returns |w| afterwards
     * (accumulated during the update sweep, so no extra pass over w).
     */
    static double orthogonalizeInPlace(double[] w, double[][] q, int count, double before) {
        if (count == 0) {
            return before;
        }
        for (int pass = 0; pass < 2; pass++) {
            double[] c = coefficients(q, count, w);
            double after = Math.sqrt(update(q, count, c, w));
            if (after > DGKS * before || pass == 1) {
                return after;
            }
            before = after;
        }
        return before;
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

    /** w -= Q^T c on two threads; returns |w|^2 afterwards (halves added in a fixed order). */
    private static double update(double[][] q, int count, double[] c, double[] w) {
        int p = w.length, half = p / 2;
        double[] sq = new double[2];
        java.util.concurrent.ForkJoinTask<?> second = java.util.concurrent.ForkJoinPool.commonPool().submit(() ->
                sq[1] = subtract(q, count, c, w, half, p));
        sq[0] = subtract(q, count, c, w, 0, half);
        second.join();
        return sq[0] + sq[1];
    }

    /**
     * w[from..to) -= sum_k c_k q_k, in blocks of 2048 entries so the block of w stays in cache; returns the sum of
     * squares of the updated block (read while it is still in cache).
     */
    private static double subtract(double[][] q, int count, double[] c, double[] w, int from, int to) {
        double s = 0;
        for (int b = from; b < to; b += 2048) {
            int e = Math.min(to, b + 2048);
            for (int k = 0; k < count; k++) {
                double[] qk = q[k];
                double ck = c[k];
                for (int i = b; i < e; i++) {
                    w[i] -= ck * qk[i];
                }
            }
            s += dot(w, w, b, e);
        }
        return s;
    }

    /**
     * The Lanczos recurrence step w -= beta vPrev (vPrev null: none), returning w.v in the same pass, or NaN when
     * w has a non-finite entry. w: modified.
     */
    static double recurrenceInPlace(double[] w, double beta, double[] vPrev, double[] v) {
        double s0 = 0, s1 = 0;
        boolean finite = true;
        int n = w.length, i = 0;
        for (; i + 1 < n; i += 2) {
            double w0 = w[i], w1 = w[i + 1];
            finite &= Double.isFinite(w0) & Double.isFinite(w1);
            if (vPrev != null) {
                w0 -= beta * vPrev[i];
                w1 -= beta * vPrev[i + 1];
                w[i] = w0;
                w[i + 1] = w1;
            }
            s0 += w0 * v[i];
            s1 += w1 * v[i + 1];
        }
        for (; i < n; i++) {
            double w0 = w[i];
            finite &= Double.isFinite(w0);
            if (vPrev != null) {
                w0 -= beta * vPrev[i];
                w[i] = w0;
            }
            s0 += w0 * v[i];
        }
        return finite ? s0 + s1 : Double.NaN;
    }

    /** w -= alpha v, returning |w|^2 afterwards in the same pass. w: modified. */
    static double axpyNormInPlace(double alpha, double[] v, double[] w) {
        double s0 = 0, s1 = 0;
        int n = w.length, i = 0;
        for (; i + 1 < n; i += 2) {
            double w0 = w[i] - alpha * v[i], w1 = w[i + 1] - alpha * v[i + 1];
            w[i] = w0;
            w[i + 1] = w1;
            s0 += w0 * w0;
            s1 += w1 * w1;
        }
        for (; i < n; i++) {
            double w0 = w[i] - alpha * v[i];
            w[i] = w0;
            s0 += w0 * w0;
        }
        return s0 + s1;
    }
}
