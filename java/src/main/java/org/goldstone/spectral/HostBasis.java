package org.goldstone.spectral;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Orthonormal vectors q_0, q_1, ... kept on the host for reorthogonalization, in fp64 ({@link F64}, swept with an
 * fp64 w); the fp32 rows of {@link HostLanczosSpace32} and their sweeps with an fp32 w are {@link F32} (half the
 * memory and half the traffic of every sweep). Every sum is accumulated in fp64.
 *
 * <p>The two sweeps of classical Gram-Schmidt run in blocks of {@link #BLOCK} entries, so each block of w stays in
 * the L1 cache while up to four basis vectors stream past it (one read of the basis and one of w per sweep), in SIMD
 * lanes with partial sums added in a fixed order: results do not depend on scheduling or on when the JIT compiles.
 */
abstract sealed class HostBasis permits HostBasis.F64 {
    /** Entries of w per cache block (8 KiB of fp64). */
    static final int BLOCK = 1024;
    /** Entries per block of the fp32 sweeps ({@link F32}): the block's fp64 working copies (384 KiB) stay in the L2. */
    static final int F32_BLOCK = 16384;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
            VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();

    /** Loads q_k[i .. i + L) as fp64 lanes. */
    abstract DoubleVector lanes(int k, int i);

    /** q_k[i] as fp64. */
    abstract double at(int k, int i);

    /** out[k] += q_k[from..to) . w[from..to) for k &lt; count, and out[count] += |w[from..to)|^2. */
    final void dots(double[] w, int count, int from, int to, double[] out) {
        dots(w, count, -1, from, to, out);
    }

    /**
     * As {@link #dots(double[], int, int, int, double[])}, and with {@code last >= 0} also
     * out[count + 1 + k] += q_k[from..to) . q_last[from..to) for k &lt; count (a Gram column; out then has 2 count + 1
     * entries): per cache block, after the dots with w, q_last's block is widened to fp64 and dotted with the same
     * rows, which are still in the cache, so the basis is read from memory once.
     */
    final void dots(double[] w, int count, int last, int from, int to, double[] out) {
        DoubleVector sq = DoubleVector.zero(D);
        double tail = 0;
        double[] y = last >= 0 ? new double[BLOCK] : null;
        for (int b = from; b < to; b += BLOCK) {
            int e = Math.min(to, b + BLOCK), vecEnd = b + (e - b) / L * L;
            for (int i = b; i < vecEnd; i += L) {
                DoubleVector x = DoubleVector.fromArray(D, w, i);
                sq = x.fma(x, sq);
            }
            for (int i = vecEnd; i < e; i++) {
                tail += w[i] * w[i];
            }
            blockDots(w, 0, count, b, e, out, 0);
            if (last >= 0) {
                for (int i = b; i < e; i++) {
                    y[i - b] = at(last, i);
                }
                blockDots(y, b, count, b, e, out, count + 1);
            }
        }
        out[count] += sq.reduceLanes(VectorOperators.ADD) + tail;
    }

    /** out[at + k] += q_k[b..e) . x[b - xOff .. e - xOff) for k &lt; count: one cache block, four rows at a time. */
    private void blockDots(double[] x, int xOff, int count, int b, int e, double[] out, int at) {
        int vecEnd = b + (e - b) / L * L;
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0;
            for (int i = b; i < vecEnd; i += L) {
                DoubleVector v = DoubleVector.fromArray(D, x, i - xOff);
                a0 = lanes(k, i).fma(v, a0);
                a1 = lanes(k + 1, i).fma(v, a1);
                a2 = lanes(k + 2, i).fma(v, a2);
                a3 = lanes(k + 3, i).fma(v, a3);
            }
            double s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            double s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (int i = vecEnd; i < e; i++) {
                double v = x[i - xOff];
                s0 += at(k, i) * v;
                s1 += at(k + 1, i) * v;
                s2 += at(k + 2, i) * v;
                s3 += at(k + 3, i) * v;
            }
            out[at + k] += s0;
            out[at + k + 1] += s1;
            out[at + k + 2] += s2;
            out[at + k + 3] += s3;
        }
        for (; k < count; k++) {
            DoubleVector a0 = DoubleVector.zero(D);
            for (int i = b; i < vecEnd; i += L) {
                a0 = lanes(k, i).fma(DoubleVector.fromArray(D, x, i - xOff), a0);
            }
            double s0 = a0.reduceLanes(VectorOperators.ADD);
            for (int i = vecEnd; i < e; i++) {
                s0 += at(k, i) * x[i - xOff];
            }
            out[at + k] += s0;
        }
    }

    /** w[from..to) -= sum_{k &lt; count} c_k q_k[from..to); returns the sum of squares of the updated entries. */
    final double subtract(double[] w, int count, double[] c, int from, int to) {
        DoubleVector sq = DoubleVector.zero(D);
        double tail = 0;
        for (int b = from; b < to; b += BLOCK) {
            int e = Math.min(to, b + BLOCK), vecEnd = b + (e - b) / L * L;
            int k = 0;
            for (; k + 4 <= count; k += 4) {
                double c0 = -c[k], c1 = -c[k + 1], c2 = -c[k + 2], c3 = -c[k + 3];
                DoubleVector n0 = DoubleVector.broadcast(D, c0), n1 = DoubleVector.broadcast(D, c1);
                DoubleVector n2 = DoubleVector.broadcast(D, c2), n3 = DoubleVector.broadcast(D, c3);
                for (int i = b; i < vecEnd; i += L) {
                    DoubleVector x = DoubleVector.fromArray(D, w, i);
                    x = lanes(k, i).fma(n0, x);
                    x = lanes(k + 1, i).fma(n1, x);
                    x = lanes(k + 2, i).fma(n2, x);
                    x = lanes(k + 3, i).fma(n3, x);
                    x.intoArray(w, i);
                }
                for (int i = vecEnd; i < e; i++) {
                    w[i] = Math.fma(c3, at(k + 3, i), Math.fma(c2, at(k + 2, i), Math.fma(c1, at(k + 1, i),
                            Math.fma(c0, at(k, i), w[i]))));
                }
            }
            for (; k < count; k++) {
                double c0 = -c[k];
                DoubleVector n0 = DoubleVector.broadcast(D, c0);
                for (int i = b; i < vecEnd; i += L) {
                    lanes(k, i).fma(n0, DoubleVector.fromArray(D, w, i)).intoArray(w, i);
                }
                for (int i = vecEnd; i < e; i++) {
                    w[i] = Math.fma(c0, at(k, i), w[i]);
                }
            }
            for (int i = b; i < vecEnd; i += L) {
                DoubleVector x = DoubleVector.fromArray(D, w, i);
                sq = x.fma(x, sq);
            }
            for (int i = vecEnd; i < e; i++) {
                tail += w[i] * w[i];
            }
        }
        return sq.reduceLanes(VectorOperators.ADD) + tail;
    }

    /**
     * The six inner products of three fp32 vectors over [from, to), added into out: {x.u, x.v, x.x, u.u, u.v, v.v}
     * (exact products, fp64 sums in a fixed order).
     */
    static void sixDots(float[] x, float[] u, float[] v, int from, int to, double[] out) {
        DoubleVector xu = DoubleVector.zero(D), xv = xu, xx = xu, uu = xu, uv = xu, vv = xu;
        int vecEnd = from + (to - from) / L * L;
        for (int i = from; i < vecEnd; i += L) {
            DoubleVector a = F32.ld(x, i), b = F32.ld(u, i), c = F32.ld(v, i);
            xu = a.fma(b, xu);
            xv = a.fma(c, xv);
            xx = a.fma(a, xx);
            uu = b.fma(b, uu);
            uv = b.fma(c, uv);
            vv = c.fma(c, vv);
        }
        out[0] += xu.reduceLanes(VectorOperators.ADD);          // one by one: a vector in an array is boxed
        out[1] += xv.reduceLanes(VectorOperators.ADD);
        out[2] += xx.reduceLanes(VectorOperators.ADD);
        out[3] += uu.reduceLanes(VectorOperators.ADD);
        out[4] += uv.reduceLanes(VectorOperators.ADD);
        out[5] += vv.reduceLanes(VectorOperators.ADD);
        for (int i = vecEnd; i < to; i++) {
            double a = x[i], b = u[i], c = v[i];
            out[0] += a * b;
            out[1] += a * c;
            out[2] += a * a;
            out[3] += b * b;
            out[4] += b * c;
            out[5] += c * c;
        }
    }

    /** fp64 rows (referenced, not copied). */
    static final class F64 extends HostBasis {
        private final double[][] q;

        F64(double[][] q) {
            this.q = q;
        }

        /** q_k itself (referenced). */
        double[] row(int k) {
            return q[k];
        }

        @Override
        DoubleVector lanes(int k, int i) {
            return DoubleVector.fromArray(D, q[k], i);
        }

        @Override
        double at(int k, int i) {
            return q[k][i];
        }
    }

    /**
     * fp32 rows, kept by reference ({@link #keep}: the arrays {@link HostLanczosSpace32} applied), with their own
     * sweeps on an fp32 w; not a {@link HostBasis}, whose sweeps take an fp64 w.
     */
    static final class F32 {
        private final float[][] q;

        F32(int slots) {
            this.q = new float[slots][];
        }

        /** x[0..n) = w[b..b + n) as fp64. */
        private static void widen(float[] w, int b, int n, double[] x) {
            int vecEnd = n / L * L;
            for (int i = 0; i < vecEnd; i += L) {
                ld(w, b + i).intoArray(x, i);
            }
            for (int i = vecEnd; i < n; i++) {
                x[i] = w[b + i];
            }
        }

        /**
         * The update sweep on an fp32 w: w[from..to) = fp32(sigma (w - sum_{k &lt; count} c_k q_k)), each block widened
         * to fp64 once, updated by every row in fp64 and rounded once (sigma: a power of two, so the scaling is exact).
         * Returns the sum of squares of the rounded entries (the stored vector's own norm).
         */
        double subtract(float[] w, int count, double[] c, double sigma, int from, int to) {
            double[] x = new double[F32_BLOCK];
            double sq = 0;
            for (int b = from; b < to; b += F32_BLOCK) {
                int e = Math.min(to, b + F32_BLOCK), n = e - b, vecEnd = n / L * L;
                widen(w, b, n, x);
                int k = 0;
                for (; k + 4 <= count; k += 4) {
                    DoubleVector n0 = DoubleVector.broadcast(D, -c[k]), n1 = DoubleVector.broadcast(D, -c[k + 1]);
                    DoubleVector n2 = DoubleVector.broadcast(D, -c[k + 2]), n3 = DoubleVector.broadcast(D, -c[k + 3]);
                    float[] q0 = q[k], q1 = q[k + 1], q2 = q[k + 2], q3 = q[k + 3];
                    for (int i = 0; i < vecEnd; i += L) {
                        DoubleVector v = DoubleVector.fromArray(D, x, i);
                        v = ld(q0, b + i).fma(n0, v);
                        v = ld(q1, b + i).fma(n1, v);
                        v = ld(q2, b + i).fma(n2, v);
                        v = ld(q3, b + i).fma(n3, v);
                        v.intoArray(x, i);
                    }
                    for (int i = vecEnd; i < n; i++) {
                        x[i] = Math.fma(-c[k + 3], q[k + 3][b + i], Math.fma(-c[k + 2], q[k + 2][b + i],
                                Math.fma(-c[k + 1], q[k + 1][b + i], Math.fma(-c[k], q[k][b + i], x[i]))));
                    }
                }
                for (; k < count; k++) {
                    DoubleVector n0 = DoubleVector.broadcast(D, -c[k]);
                    for (int i = 0; i < vecEnd; i += L) {
                        ld(q[k], b + i).fma(n0, DoubleVector.fromArray(D, x, i)).intoArray(x, i);
                    }
                    for (int i = vecEnd; i < n; i++) {
                        x[i] = Math.fma(-c[k], q[k][b + i], x[i]);
                    }
                }
                sq += roundInto(x, sigma, w, b, n);
            }
            return sq;
        }

        /** z[0..len) = x + c y. */
        private static void axpyInto(double[] x, double c, double[] y, double[] z, int len) {
            int vecEnd = len / L * L;
            DoubleVector vc = DoubleVector.broadcast(D, c);
            for (int i = 0; i < vecEnd; i += L) {
                DoubleVector.fromArray(D, y, i).fma(vc, DoubleVector.fromArray(D, x, i)).intoArray(z, i);
            }
            for (int i = vecEnd; i < len; i++) {
                z[i] = Math.fma(c, y[i], x[i]);
            }
        }

        /**
         * w[b..b + len) = fp32(sigma x[0..len)) (sigma a power of two: exact scaling, one rounding); returns the sum
         * of squares of the stored entries.
         */
        private static double roundInto(double[] x, double sigma, float[] w, int b, int len) {
            int vecEnd = len / L * L;
            DoubleVector s = DoubleVector.broadcast(D, sigma), sq = DoubleVector.zero(D);
            for (int i = 0; i < vecEnd; i += L) {
                FloatVector f = (FloatVector) DoubleVector.fromArray(D, x, i).mul(s)
                        .convertShape(VectorOperators.D2F, F, 0);
                f.intoArray(w, b + i);
                DoubleVector r = (DoubleVector) f.convertShape(VectorOperators.F2D, D, 0);
                sq = r.fma(r, sq);
            }
            double tail = 0;
            for (int i = vecEnd; i < len; i++) {
                float f = (float) (x[i] * sigma);
                w[b + i] = f;
                tail += (double) f * f;
            }
            return sq.reduceLanes(VectorOperators.ADD) + tail;
        }

        /**
         * The one sweep of a FULL step of {@link HostLanczosSpace32} over rows [0, n), for the applied array u and
         * its product w, per block of {@link #F32_BLOCK} entries: out[k] += q_k . w and out[n + k] += q_k . u, and
         * the next vector w = fp32(sigma (w - a1 u - sum_k g_k q_k)) (sigma a power of two: exact) with
         * out[2n] += the sum of squares of its stored entries. Each row's lanes are loaded and widened once and serve
         * the two dots and the update: one read of the basis and one widening per entry.
         */
        void project(float[] w, float[] u, int n, double[] g, double a1, double sigma, int from, int to,
                     double[] out) {
            double[] x = new double[F32_BLOCK], y = new double[F32_BLOCK], z = new double[F32_BLOCK];
            for (int b = from; b < to; b += F32_BLOCK) {
                int e = Math.min(to, b + F32_BLOCK), len = e - b, vecEnd = len / L * L;
                widen(w, b, len, x);
                widen(u, b, len, y);
                axpyInto(x, -a1, y, z, len);
                projectRows(x, y, z, n, g, b, len, out);
                out[2 * n] += roundInto(z, sigma, w, b, len);
            }
        }

        /**
         * One block of {@link #project}: out[k] += q_k . x, out[n + k] += q_k . y, z -= sum_k g_k q_k over the block
         * [b, b + len) (x, y, z: the block's fp64 copies, index i - b), four rows at a time.
         */
        private void projectRows(double[] x, double[] y, double[] z, int n, double[] g, int b, int len,
                                 double[] out) {
            int vecEnd = len / L * L;
            int k = 0;
            for (; k + 4 <= n; k += 4) {
                fourRows(q[k], q[k + 1], q[k + 2], q[k + 3], g[k], g[k + 1], g[k + 2], g[k + 3], x, y, z, b, vecEnd,
                        out, k, n + k);
                for (int r = 0; r < 4; r++) {
                    float[] row = q[k + r];
                    double sx = 0, sy = 0;
                    for (int i = vecEnd; i < len; i++) {
                        sx += row[b + i] * x[i];
                        sy += row[b + i] * y[i];
                        z[i] = Math.fma(-g[k + r], row[b + i], z[i]);
                    }
                    out[k + r] += sx;
                    out[n + k + r] += sy;
                }
            }
            for (; k < n; k++) {
                float[] row = q[k];
                DoubleVector n0 = DoubleVector.broadcast(D, -g[k]), a0 = DoubleVector.zero(D), c0 = a0;
                for (int i = 0; i < vecEnd; i += L) {
                    DoubleVector r0 = ld(row, b + i);
                    a0 = r0.fma(DoubleVector.fromArray(D, x, i), a0);
                    c0 = r0.fma(DoubleVector.fromArray(D, y, i), c0);
                    r0.fma(n0, DoubleVector.fromArray(D, z, i)).intoArray(z, i);
                }
                double sx = a0.reduceLanes(VectorOperators.ADD), sy = c0.reduceLanes(VectorOperators.ADD);
                for (int i = vecEnd; i < len; i++) {
                    sx += row[b + i] * x[i];
                    sy += row[b + i] * y[i];
                    z[i] = Math.fma(-g[k], row[b + i], z[i]);
                }
                out[k] += sx;
                out[n + k] += sy;
            }
        }

        /**
         * The SIMD part of four rows of {@link #projectRows}: out[ox + r] += q_r . x, out[oy + r] += q_r . y over
         * [0, vecEnd) of the block, z -= sum_r g_r q_r. A method of its own, small enough for the JIT to compile
         * every vector operation in place (inside the larger loop nest it ran at half the speed).
         */
        private static void fourRows(float[] q0, float[] q1, float[] q2, float[] q3, double g0, double g1, double g2,
                                     double g3, double[] x, double[] y, double[] z, int b, int vecEnd, double[] out,
                                     int ox, int oy) {
            DoubleVector n0 = DoubleVector.broadcast(D, -g0), n1 = DoubleVector.broadcast(D, -g1);
            DoubleVector n2 = DoubleVector.broadcast(D, -g2), n3 = DoubleVector.broadcast(D, -g3);
            DoubleVector a0 = DoubleVector.zero(D), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            for (int i = 0; i < vecEnd; i += L) {
                DoubleVector r0 = ld(q0, b + i), r1 = ld(q1, b + i), r2 = ld(q2, b + i), r3 = ld(q3, b + i);
                DoubleVector vx = DoubleVector.fromArray(D, x, i), vy = DoubleVector.fromArray(D, y, i);
                a0 = r0.fma(vx, a0);
                a1 = r1.fma(vx, a1);
                a2 = r2.fma(vx, a2);
                a3 = r3.fma(vx, a3);
                c0 = r0.fma(vy, c0);
                c1 = r1.fma(vy, c1);
                c2 = r2.fma(vy, c2);
                c3 = r3.fma(vy, c3);
                r3.fma(n3, r2.fma(n2, r1.fma(n1, r0.fma(n0, DoubleVector.fromArray(D, z, i))))).intoArray(z, i);
            }
            // reduced one by one: a vector stored in an array is boxed, and the loop above with it (40x slower)
            out[ox] += a0.reduceLanes(VectorOperators.ADD);
            out[ox + 1] += a1.reduceLanes(VectorOperators.ADD);
            out[ox + 2] += a2.reduceLanes(VectorOperators.ADD);
            out[ox + 3] += a3.reduceLanes(VectorOperators.ADD);
            out[oy] += c0.reduceLanes(VectorOperators.ADD);
            out[oy + 1] += c1.reduceLanes(VectorOperators.ADD);
            out[oy + 2] += c2.reduceLanes(VectorOperators.ADD);
            out[oy + 3] += c3.reduceLanes(VectorOperators.ADD);
        }

        /** fp32 lanes a[i .. i + L) widened to fp64. */
        private static DoubleVector ld(float[] a, int i) {
            return (DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0);
        }

        /** q_k itself (not a copy). */
        float[] rowArray(int k) {
            return q[k];
        }

        /** Keeps {@code row} itself (not a copy) as q_k: the caller never modifies it afterwards. */
        void keep(int k, float[] row) {
            q[k] = row;
        }
    }
}
