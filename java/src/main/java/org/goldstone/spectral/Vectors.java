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
     * second ({@link HostBasis}: cache-blocked SIMD sweeps), both split into two halves of the index range on two
     * threads; partial sums are added in a fixed order, so the result does not depend on scheduling. w: modified.
     */
    static void orthogonalizeInPlace(double[] w, double[][] q, int count) {
        orthogonalizeInPlace(w, q, count, norm(w));
    }

    /**
     * As {@link #orthogonalizeInPlace(double[], double[][], int)} with |w| already known; returns |w| afterwards
     * (accumulated during the update sweep, so no extra pass over w).
     */
    static double orthogonalizeInPlace(double[] w, double[][] q, int count, double before) {
        return orthogonalizeInPlace(w, new HostBasis.F64(q), count, before);
    }

    /** As {@link #orthogonalizeInPlace(double[], double[][], int, double)} against a basis kept in fp64 or fp32. */
    static double orthogonalizeInPlace(double[] w, HostBasis q, int count, double before) {
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

    /**
     * Q^T w on two threads (two halves of the index range, partial sums added in a fixed order), with |w|^2 from the
     * same sweep as entry {@code count}.
     */
    static double[] coefficients(HostBasis q, int count, double[] w) {
        int p = w.length, half = p / 2;
        double[][] partial = new double[2][count + 1];
        java.util.concurrent.ForkJoinTask<?> second = java.util.concurrent.ForkJoinPool.commonPool().submit(() ->
                q.dots(w, count, half, p, partial[1]));
        q.dots(w, count, 0, half, partial[0]);
        second.join();
        double[] c = new double[count + 1];
        for (int k = 0; k <= count; k++) {
            c[k] = partial[0][k] + partial[1][k];
        }
        return c;
    }

    /** w -= Q^T c on two threads; returns |w|^2 afterwards (halves added in a fixed order). */
    static double update(HostBasis q, int count, double[] c, double[] w) {
        int p = w.length, half = p / 2;
        double[] sq = new double[2];
        java.util.concurrent.ForkJoinTask<?> second = java.util.concurrent.ForkJoinPool.commonPool().submit(() ->
                sq[1] = q.subtract(w, count, c, half, p));
        sq[0] = q.subtract(w, count, c, 0, half);
        second.join();
        return sq[0] + sq[1];
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
