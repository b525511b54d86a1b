package org.goldstone.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD GEMM kernels on the JDK Vector API (module jdk.incubator.vector): {@code C[:, from..to) (+)= A B} with A
 * column-major (lda = m) and B read through (row stride, column stride). Register tile: 2 vectors of rows x 4
 * columns of C, so each loaded A vector feeds four FMAs. Loaded only when the module is present (see
 * {@link CpuEquivLinear}); {@link CpuEquivLinear#kernelF} is the plain twin and the fallback.
 * Measured (this 2-core AMD EPYC, AVX-512, JDK 17): 128x1024x128 fp32 tile loop about 130 GFLOP/s on one core.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorGemm() {
    }

    // ---- fp32 ----

    static void gemmF(float[] a, int aOff, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff,
                      int m, int kk, int from, int to, boolean acc) {
        final int l = FS.length();
        int j = from;
        for (; j + 4 <= to; j += 4) {
            int i = 0;
            for (; i + 4 * l <= m; i += 4 * l) {
                tile4x4F(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
            for (; i + 2 * l <= m; i += 2 * l) {
                tile2x4F(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
            for (; i + l <= m; i += l) {
                for (int jj = j; jj < j + 4; jj++) {
                    tile1x1F(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, jj, acc);
                }
            }
            for (; i < m; i++) {
                for (int jj = j; jj < j + 4; jj++) {
                    scalarF(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, jj, acc);
                }
            }
        }
        for (; j < to; j++) {
            int i = 0;
            for (; i + l <= m; i += l) {
                tile1x1F(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
            for (; i < m; i++) {
                scalarF(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
        }
    }

    /** C[i .. i+4L, j .. j+4]: sixteen accumulators, each loaded A vector and B scalar feeds four FMAs. */
    private static void tile4x4F(float[] a, int aOff, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff,
                                 int m, int kk, int i, int j, boolean acc) {
        final int l = FS.length();
        int c0 = cOff + j * m + i, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
        FloatVector r00, r01, r02, r03, r10, r11, r12, r13, r20, r21, r22, r23, r30, r31, r32, r33;
        if (acc) {
            r00 = FloatVector.fromArray(FS, c, c0);
            r01 = FloatVector.fromArray(FS, c, c1);
            r02 = FloatVector.fromArray(FS, c, c2);
            r03 = FloatVector.fromArray(FS, c, c3);
            r10 = FloatVector.fromArray(FS, c, c0 + l);
            r11 = FloatVector.fromArray(FS, c, c1 + l);
            r12 = FloatVector.fromArray(FS, c, c2 + l);
            r13 = FloatVector.fromArray(FS, c, c3 + l);
            r20 = FloatVector.fromArray(FS, c, c0 + 2 * l);
            r21 = FloatVector.fromArray(FS, c, c1 + 2 * l);
            r22 = FloatVector.fromArray(FS, c, c2 + 2 * l);
            r23 = FloatVector.fromArray(FS, c, c3 + 2 * l);
            r30 = FloatVector.fromArray(FS, c, c0 + 3 * l);
            r31 = FloatVector.fromArray(FS, c, c1 + 3 * l);
            r32 = FloatVector.fromArray(FS, c, c2 + 3 * l);
            r33 = FloatVector.fromArray(FS, c, c3 + 3 * l);
        } else {
            r00 = FloatVector.zero(FS);
            r01 = r00;
            r02 = r00;
            r03 = r00;
            r10 = r00;
            r11 = r00;
            r12 = r00;
            r13 = r00;
            r20 = r00;
            r21 = r00;
            r22 = r00;
            r23 = r00;
            r30 = r00;
            r31 = r00;
            r32 = r00;
            r33 = r00;
        }
        int b0 = bOff + j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
        for (int p = 0; p < kk; p++) {
            int ap = aOff + p * m + i, bp = p * bRow;
            FloatVector y0 = FloatVector.broadcast(FS, b[b0 + bp]);
            FloatVector y1 = FloatVector.broadcast(FS, b[b1 + bp]);
            FloatVector y2 = FloatVector.broadcast(FS, b[b2 + bp]);
            FloatVector y3 = FloatVector.broadcast(FS, b[b3 + bp]);
            FloatVector x = FloatVector.fromArray(FS, a, ap);
            r00 = x.fma(y0, r00);
            r01 = x.fma(y1, r01);
            r02 = x.fma(y2, r02);
            r03 = x.fma(y3, r03);
            x = FloatVector.fromArray(FS, a, ap + l);
            r10 = x.fma(y0, r10);
            r11 = x.fma(y1, r11);
            r12 = x.fma(y2, r12);
            r13 = x.fma(y3, r13);
            x = FloatVector.fromArray(FS, a, ap + 2 * l);
            r20 = x.fma(y0, r20);
            r21 = x.fma(y1, r21);
            r22 = x.fma(y2, r22);
            r23 = x.fma(y3, r23);
            x = FloatVector.fromArray(FS, a, ap + 3 * l);
            r30 = x.fma(y0, r30);
            r31 = x.fma(y1, r31);
            r32 = x.fma(y2, r32);
            r33 = x.fma(y3, r33);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c1);
        r02.intoArray(c, c2);
        r03.intoArray(c, c3);
        r10.intoArray(c, c0 + l);
        r11.intoArray(c, c1 + l);
        r12.intoArray(c, c2 + l);
        r13.intoArray(c, c3 + l);
        r20.intoArray(c, c0 + 2 * l);
        r21.intoArray(c, c1 + 2 * l);
        r22.intoArray(c, c2 + 2 * l);
        r23.intoArray(c, c3 + 2 * l);
        r30.intoArray(c, c0 + 3 * l);
        r31.intoArray(c, c1 + 3 * l);
        r32.intoArray(c, c2 + 3 * l);
        r33.intoArray(c, c3 + 3 * l);
    }

    /** C[i .. i+2L, j .. j+4]: eight accumulators in registers, one pass over p. */
    private static void tile2x4F(float[] a, int aOff, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff,
                                 int m, int kk, int i, int j, boolean acc) {
        final int l = FS.length();
        int c0 = cOff + j * m + i, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
        FloatVector r00, r01, r02, r03, r10, r11, r12, r13;
        if (acc) {
            r00 = FloatVector.fromArray(FS, c, c0);
            r01 = FloatVector.fromArray(FS, c, c1);
            r02 = FloatVector.fromArray(FS, c, c2);
            r03 = FloatVector.fromArray(FS, c, c3);
            r10 = FloatVector.fromArray(FS, c, c0 + l);
            r11 = FloatVector.fromArray(FS, c, c1 + l);
            r12 = FloatVector.fromArray(FS, c, c2 + l);
            r13 = FloatVector.fromArray(FS, c, c3 + l);
        } else {
            r00 = FloatVector.zero(FS);
            r01 = r00;
            r02 = r00;
            r03 = r00;
            r10 = r00;
            r11 = r00;
            r12 = r00;
            r13 = r00;
        }
        int b0 = bOff + j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
        for (int p = 0; p < kk; p++) {
            int ap = aOff + p * m + i, bp = p * bRow;
            FloatVector x0 = FloatVector.fromArray(FS, a, ap);
            FloatVector x1 = FloatVector.fromArray(FS, a, ap + l);
            FloatVector y0 = FloatVector.broadcast(FS, b[b0 + bp]);
            FloatVector y1 = FloatVector.broadcast(FS, b[b1 + bp]);
            FloatVector y2 = FloatVector.broadcast(FS, b[b2 + bp]);
            FloatVector y3 = FloatVector.broadcast(FS, b[b3 + bp]);
            r00 = x0.fma(y0, r00);
            r01 = x0.fma(y1, r01);
            r02 = x0.fma(y2, r02);
            r03 = x0.fma(y3, r03);
            r10 = x1.fma(y0, r10);
            r11 = x1.fma(y1, r11);
            r12 = x1.fma(y2, r12);
            r13 = x1.fma(y3, r13);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c1);
        r02.intoArray(c, c2);
        r03.intoArray(c, c3);
        r10.intoArray(c, c0 + l);
        r11.intoArray(c, c1 + l);
        r12.intoArray(c, c2 + l);
        r13.intoArray(c, c3 + l);
    }

    private static void tile1x1F(float[] a, int aOff, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff,
                                 int m, int kk, int i, int j, boolean acc) {
        int c0 = cOff + j * m + i, b0 = bOff + j * bCol;
        FloatVector r = acc ? FloatVector.fromArray(FS, c, c0) : FloatVector.zero(FS);
        for (int p = 0; p < kk; p++) {
            r = FloatVector.fromArray(FS, a, aOff + p * m + i).fma(FloatVector.broadcast(FS, b[b0 + p * bRow]), r);
        }
        r.intoArray(c, c0);
    }

    private static void scalarF(float[] a, int aOff, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff,
                                int m, int kk, int i, int j, boolean acc) {
        int b0 = bOff + j * bCol;
        float s = acc ? c[cOff + j * m + i] : 0;
        for (int p = 0; p < kk; p++) {
            s += a[aOff + p * m + i] * b[b0 + p * bRow];
        }
        c[cOff + j * m + i] = s;
    }

    // ---- fp64 ----

    static void gemmD(double[] a, int aOff, double[] b, int bOff, int bRow, int bCol, double[] c, int cOff,
                      int m, int kk, int from, int to, boolean acc) {
        final int l = DS.length();
        int j = from;
        for (; j + 4 <= to; j += 4) {
            int i = 0;
            for (; i + 4 * l <= m; i += 4 * l) {
                tile4x4D(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
            for (; i + 2 * l <= m; i += 2 * l) {
                tile2x4D(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
            for (; i + l <= m; i += l) {
                for (int jj = j; jj < j + 4; jj++) {
                    tile1x1D(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, jj, acc);
                }
            }
            for (; i < m; i++) {
                for (int jj = j; jj < j + 4; jj++) {
                    scalarD(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, jj, acc);
                }
            }
        }
        for (; j < to; j++) {
            int i = 0;
            for (; i + l <= m; i += l) {
                tile1x1D(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
            for (; i < m; i++) {
                scalarD(a, aOff, b, bOff, bRow, bCol, c, cOff, m, kk, i, j, acc);
            }
        }
    }

    /** C[i .. i+4L, j .. j+4]: sixteen accumulators, each loaded A vector and B scalar feeds four FMAs. */
    private static void tile4x4D(double[] a, int aOff, double[] b, int bOff, int bRow, int bCol, double[] c, int cOff,
                                 int m, int kk, int i, int j, boolean acc) {
        final int l = DS.length();
        int c0 = cOff + j * m + i, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
        DoubleVector r00, r01, r02, r03, r10, r11, r12, r13, r20, r21, r22, r23, r30, r31, r32, r33;
        if (acc) {
            r00 = DoubleVector.fromArray(DS, c, c0);
            r01 = DoubleVector.fromArray(DS, c, c1);
            r02 = DoubleVector.fromArray(DS, c, c2);
            r03 = DoubleVector.fromArray(DS, c, c3);
            r10 = DoubleVector.fromArray(DS, c, c0 + l);
            r11 = DoubleVector.fromArray(DS, c, c1 + l);
            r12 = DoubleVector.fromArray(DS, c, c2 + l);
            r13 = DoubleVector.fromArray(DS, c, c3 + l);
            r20 = DoubleVector.fromArray(DS, c, c0 + 2 * l);
            r21 = DoubleVector.fromArray(DS, c, c1 + 2 * l);
            r22 = DoubleVector.fromArray(DS, c, c2 + 2 * l);
            r23 = DoubleVector.fromArray(DS, c, c3 + 2 * l);
            r30 = DoubleVector.fromArray(DS, c, c0 + 3 * l);
            r31 = DoubleVector.fromArray(DS, c, c1 + 3 * l);
            r32 = DoubleVector.fromArray(DS, c, c2 + 3 * l);
            r33 = DoubleVector.fromArray(DS, c, c3 + 3 * l);
        } else {
            r00 = DoubleVector.zero(DS);
            r01 = r00;
            r02 = r00;
            r03 = r00;
            r10 = r00;
            r11 = r00;
            r12 = r00;
            r13 = r00;
            r20 = r00;
            r21 = r00;
            r22 = r00;
            r23 = r00;
            r30 = r00;
            r31 = r00;
            r32 = r00;
            r33 = r00;
        }
        int b0 = bOff + j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
        for (int p = 0; p < kk; p++) {
            int ap = aOff + p * m + i, bp = p * bRow;
            DoubleVector y0 = DoubleVector.broadcast(DS, b[b0 + bp]);
            DoubleVector y1 = DoubleVector.broadcast(DS, b[b1 + bp]);
            DoubleVector y2 = DoubleVector.broadcast(DS, b[b2 + bp]);
            DoubleVector y3 = DoubleVector.broadcast(DS, b[b3 + bp]);
            DoubleVector x = DoubleVector.fromArray(DS, a, ap);
            r00 = x.fma(y0, r00);
            r01 = x.fma(y1, r01);
            r02 = x.fma(y2, r02);
            r03 = x.fma(y3, r03);
            x = DoubleVector.fromArray(DS, a, ap + l);
            r10 = x.fma(y0, r10);
            r11 = x.fma(y1, r11);
            r12 = x.fma(y2, r12);
            r13 = x.fma(y3, r13);
            x = DoubleVector.fromArray(DS, a, ap + 2 * l);
            r20 = x.fma(y0, r20);
            r21 = x.fma(y1, r21);
            r22 = x.fma(y2, r22);
            r23 = x.fma(y3, r23);
            x = DoubleVector.fromArray(DS, a, ap + 3 * l);
            r30 = x.fma(y0, r30);
            r31 = x.fma(y1, r31);
            r32 = x.fma(y2, r32);
            r33 = x.fma(y3, r33);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c1);
        r02.intoArray(c, c2);
        r03.intoArray(c, c3);
        r10.intoArray(c, c0 + l);
        r11.intoArray(c, c1 + l);
        r12.intoArray(c, c2 + l);
        r13.intoArray(c, c3 + l);
        r20.intoArray(c, c0 + 2 * l);
        r21.intoArray(c, c1 + 2 * l);
        r22.intoArray(c, c2 + 2 * l);
        r23.intoArray(c, c3 + 2 * l);
        r30.intoArray(c, c0 + 3 * l);
        r31.intoArray(c, c1 + 3 * l);
        r32.intoArray(c, c2 + 3 * l);
        r33.intoArray(c, c3 + 3 * l);
    }

    /** C[i .. i+2L, j .. j+4]: eight accumulators in registers, one pass over p. */
    private static void tile2x4D(double[] a, int aOff, double[] b, int bOff, int bRow, int bCol, double[] c, int cOff,
                                 int m, int kk, int i, int j, boolean acc) {
        final int l = DS.length();
        int c0 = cOff + j * m + i, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
        DoubleVector r00, r01, r02, r03, r10, r11, r12, r13;
        if (acc) {
            r00 = DoubleVector.fromArray(DS, c, c0);
            r01 = DoubleVector.fromArray(DS, c, c1);
            r02 = DoubleVector.fromArray(DS, c, c2);
            r03 = DoubleVector.fromArray(DS, c, c3);
            r10 = DoubleVector.fromArray(DS, c, c0 + l);
            r11 = DoubleVector.fromArray(DS, c, c1 + l);
            r12 = DoubleVector.fromArray(DS, c, c2 + l);
            r13 = DoubleVector.fromArray(DS, c, c3 + l);
        } else {
            r00 = DoubleVector.zero(DS);
            r01 = r00;
            r02 = r00;
            r03 = r00;
            r10 = r00;
            r11 = r00;
            r12 = r00;
            r13 = r00;
        }
        int b0 = bOff + j * bCol, b1 = b0 + bCol, b2 = b1 + bCol, b3 = b2 + bCol;
        for (int p = 0; p < kk; p++) {
            int ap = aOff + p * m + i, bp = p * bRow;
            DoubleVector x0 = DoubleVector.fromArray(DS, a, ap);
            DoubleVector x1 = DoubleVector.fromArray(DS, a, ap + l);
            DoubleVector y0 = DoubleVector.broadcast(DS, b[b0 + bp]);
            DoubleVector y1 = DoubleVector.broadcast(DS, b[b1 + bp]);
            DoubleVector y2 = DoubleVector.broadcast(DS, b[b2 + bp]);
            DoubleVector y3 = DoubleVector.broadcast(DS, b[b3 + bp]);
            r00 = x0.fma(y0, r00);
            r01 = x0.fma(y1, r01);
            r02 = x0.fma(y2, r02);
            r03 = x0.fma(y3, r03);
            r10 = x1.fma(y0, r10);
            r11 = x1.fma(y1, r11);
            r12 = x1.fma(y2, r12);
            r13 = x1.fma(y3, r13);
        }
        r00.intoArray(c, c0);
        r01.intoArray(c, c1);
        r02.intoArray(c, c2);
        r03.intoArray(c, c3);
        r10.intoArray(c, c0 + l);
        r11.intoArray(c, c1 + l);
        r12.intoArray(c, c2 + l);
        r13.intoArray(c, c3 + l);
    }

    private static void tile1x1D(double[] a, int aOff, double[] b, int bOff, int bRow, int bCol, double[] c, int cOff,
                                 int m, int kk, int i, int j, boolean acc) {
        int c0 = cOff + j * m + i, b0 = bOff + j * bCol;
        DoubleVector r = acc ? DoubleVector.fromArray(DS, c, c0) : DoubleVector.zero(DS);
        for (int p = 0; p < kk; p++) {
            r = DoubleVector.fromArray(DS, a, aOff + p * m + i).fma(DoubleVector.broadcast(DS, b[b0 + p * bRow]), r);
        }
        r.intoArray(c, c0);
    }

    private static void scalarD(double[] a, int aOff, double[] b, int bOff, int bRow, int bCol, double[] c, int cOff,
                                int m, int kk, int i, int j, boolean acc) {
        int b0 = bOff + j * bCol;
        double s = acc ? c[cOff + j * m + i] : 0;
        for (int p = 0; p < kk; p++) {
            s += a[aOff + p * m + i] * b[b0 + p * bRow];
        }
        c[cOff + j * m + i] = s;
    }
}
