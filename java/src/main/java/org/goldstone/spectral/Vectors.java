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
            v[i] = -(rng.nextInt() >> 31 | 1);            // +1 where nextBoolean() (nextInt() < 0) is true
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

    /** As {@link #orthogonalizeInPlace(double[], double[][], int, double)} against a {@link HostBasis}. */
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
     * {@link LanczosSpace#projectStep} on host vectors, two sweeps over the basis instead of the recurrence's two
     * plus two for classical Gram-Schmidt: (1) d = Q^T w, |w|^2 and the Gram column g = Q^T q_j (j = count - 1) in
     * one read of Q; (2) w -= Q c with c = G^-1 d, the least-squares projection onto the basis, so that the basis's
     * own departure from orthonormality (G = Q^T Q, whose columns {@code gram} holds from earlier steps; about 1e-8
     * off the identity for an fp32 basis of a few hundred entries) is not left in w, as plain CGS on the unreduced
     * w would leave it, amplified by |w| / beta. G^-1 d as d - E d + E(E d), E = G - I. A second, classical pass
     * when |w| afterwards is at most DGKS times the norm the recurrence would have left (|w|^2 - c_j^2 - c_{j-1}^2)
     * or that norm is lost to cancellation. Returns {alpha_j = c_j, |w| afterwards}; {NaN, NaN} when w has a
     * non-finite entry (nothing updated), null when E exceeds 1e-3 (the series would not converge: nothing updated,
     * the caller runs the classical step; every earlier column passed the same check).
     */
    static double[] projectStepInPlace(double[] w, HostBasis q, int count, double[][] gram) {
        double[] d = coefficients(q, count, count - 1, w);
        if (!Double.isFinite(d[count])) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] c = leastSquares(d, count, gram);
        if (c == null) {
            return null;
        }
        double after = Math.sqrt(update(q, count, c, w));
        if (secondPass(c, d[count], after)) {
            after = Math.sqrt(update(q, count, coefficients(q, count, w), w));
        }
        return new double[] {c[count - 1], after};
    }

    /**
     * The coefficients of a fused step from its dot sweep d = {Q^T w (count), |w|^2, Q^T q_j (count)}, j = count - 1:
     * records the Gram column d[count + 1 ..] as column and row j of {@code gram} and returns c = G^-1 Q^T w (as
     * d - E d + E(E d), E = G - I), or null when E exceeds 1e-3 (every earlier column passed the same check).
     */
    static double[] leastSquares(double[] d, int count, double[][] gram) {
        int j = count - 1;
        double worst = 0;
        for (int k = 0; k < count; k++) {
            gram[k][j] = gram[j][k] = d[count + 1 + k];
            worst = Math.max(worst, Math.abs(d[count + 1 + k] - (k == j ? 1 : 0)));
        }
        if (worst > 1e-3) {
            return null;
        }
        double[] ed = offIdentity(gram, count, d), eed = offIdentity(gram, count, ed);
        double[] c = new double[count];
        for (int k = 0; k < count; k++) {
            c[k] = d[k] - ed[k] + eed[k];
        }
        return c;
    }

    /**
     * DGKS after the least-squares update: true when |w| afterwards is at most DGKS times the norm the recurrence
     * would have left, |w|^2 - c_j^2 - c_{j-1}^2 (hv2 = |w|^2 before), or that norm is lost to cancellation.
     */
    static boolean secondPass(double[] c, double hv2, double after) {
        int j = c.length - 1;
        double left2 = hv2 - c[j] * c[j] - (j >= 1 ? c[j - 1] * c[j - 1] : 0);
        return left2 <= 1e-10 * hv2 || after <= DGKS * Math.sqrt(left2);
    }

    /** (G - I) x over the leading count x count block of g. */
    private static double[] offIdentity(double[][] g, int count, double[] x) {
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            double s = 0;
            for (int i = 0; i < count; i++) {
                s += (k == i ? g[k][i] - 1 : g[k][i]) * x[i];
            }
            out[k] = s;
        }
        return out;
    }

    /**
     * Q^T w on two threads (two halves of the index range, partial sums added in a fixed order), with |w|^2 from the
     * same sweep as entry {@code count}.
     */
    static double[] coefficients(HostBasis q, int count, double[] w) {
        return coefficients(q, count, -1, w);
    }

    /** As {@link #coefficients(HostBasis, int, double[])}; with {@code last >= 0} also Q^T q_last after |w|^2. */
    static double[] coefficients(HostBasis q, int count, int last, double[] w) {
        return twoHalves(w.length, w.length / 2, last >= 0 ? 2 * count + 1 : count + 1,
                (from, to, out) -> q.dots(w, count, last, from, to, out));
    }

    /** The parts of a sweep over [0, p): one call per part, each adding its sums into out. */
    interface RangeSums {
        void add(int from, int to, double[] out);
    }

    /**
     * Runs {@code part} over [half, p) on the common pool and over [0, half) here, each into its own array of
     * {@code size} sums, and returns their sum (first half plus second, a fixed order: the result does not depend on
     * scheduling).
     */
    static double[] twoHalves(int p, int half, int size, RangeSums part) {
        double[][] partial = new double[2][size];
        java.util.concurrent.ForkJoinTask<?> second = java.util.concurrent.ForkJoinPool.commonPool().submit(() ->
                part.add(half, p, partial[1]));
        part.add(0, half, partial[0]);
        second.join();
        double[] c = new double[size];
        for (int k = 0; k < size; k++) {
            c[k] = partial[0][k] + partial[1][k];
        }
        return c;
    }

    /** w -= Q^T c on two threads; returns |w|^2 afterwards (halves added in a fixed order). */
    static double update(HostBasis q, int count, double[] c, double[] w) {
        return twoHalves(w.length, w.length / 2, 1, (from, to, out) -> out[0] = q.subtract(w, count, c, from, to))[0];
    }

    /**
     * {@link #coefficients(HostBasis, int, int, double[])} for an fp32 w ({@link HostLanczosSpace32}), through the
     * one fp32 sweep ({@link #project} with nothing subtracted: it stores w back as it was, a zero's sign aside), the
     * second vector being q_last, or w itself when no Gram column is asked for.
     */
    static double[] coefficients(HostBasis.F32 q, int count, int last, float[] w) {
        double[] out = project(q, w, last >= 0 ? q.rowArray(last) : w, count, new double[count], 0, 1);
        double[] d = new double[last >= 0 ? 2 * count + 1 : count + 1];
        System.arraycopy(out, 0, d, 0, count);
        d[count] = out[2 * count];
        if (last >= 0) {
            System.arraycopy(out, count, d, count + 1, count);
        }
        return d;
    }

    /** {@link HostBasis#sixDots} on two threads: {x.u, x.v, x.x, u.u, u.v, v.v}. */
    static double[] sixDots(float[] x, float[] u, float[] v) {
        return twoHalves(x.length, x.length / 2, 6, (from, to, out) -> HostBasis.sixDots(x, u, v, from, to, out));
    }

    /**
     * {@link HostBasis.F32#project} on two threads (halves split at a block boundary): returns {Q^T w (n), Q^T u (n),
     * |new w|^2}.
     */
    static double[] project(HostBasis.F32 q, float[] w, float[] u, int n, double[] g, double a1, double sigma) {
        return twoHalves(w.length, blockHalf(w.length), 2 * n + 1,
                (from, to, out) -> q.project(w, u, n, g, a1, sigma, from, to, out));
    }

    /**
     * w = fp32(sigma (w - Q^T c)) on an fp32 w, two threads (sigma a power of two); returns the sum of squares of
     * the stored entries.
     */
    static double update(HostBasis.F32 q, int count, double[] c, double sigma, float[] w) {
        return twoHalves(w.length, blockHalf(w.length), 1,
                (from, to, out) -> out[0] = q.subtract(w, count, c, sigma, from, to))[0];
    }

    private static int blockHalf(int p) {
        return p / 2 / HostBasis.F32_BLOCK * HostBasis.F32_BLOCK;
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
