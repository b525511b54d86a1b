package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;

/**
 * Reference for {@link EquivLinearOps}. One column-major kernel, {@code C[:, j] += sum_p A[:, p] B[p, j]}, is
 * used for every case: the inner loop runs down a column of A and C (unit stride, vectorized by the JIT), four
 * columns of A at a time so C is loaded and stored once per four multiply-adds, over blocks of {@link #KC}
 * columns of A that stay in L1. B is read as scalars through a (row stride, column stride) pair, which gives
 * B^T for free; a transposed A is copied into scratch first (it is always a small weight matrix here).
 * Work is split over columns of C. fp32 buffers accumulate in fp32, fp64 in fp64.
 */
final class CpuEquivLinear implements EquivLinearOps {
    /** Columns of A per cache block: 64 x 128 rows x 4 bytes = 32 KiB (fp32). */
    static final int KC = 64;

    /**
     * Whether the SIMD kernels run: the JVM was started with {@code --add-modules jdk.incubator.vector} and
     * {@code -Dgoldstone.cpu.simd=false} was not given. Otherwise the plain loops below run (same results up to
     * rounding order).
     */
    static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("goldstone.cpu.simd"));

    private final Parallel parallel;
    private final ThreadLocal<float[]> scratchF = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> scratchD = ThreadLocal.withInitial(() -> new double[0]);
    private final ThreadLocal<float[]> transposeScratchF = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> transposeScratchD = ThreadLocal.withInitial(() -> new double[0]);

    CpuEquivLinear(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int kk,
                     DeviceBuffer aBuf, DeviceBuffer bBuf, double beta, DeviceBuffer cBuf) {
        CpuBuffer a = CpuBuffer.of(aBuf), b = CpuBuffer.of(bBuf), c = CpuBuffer.of(cBuf);
        requireLength("A", a, (long) m * kk);
        requireLength("B", b, (long) kk * n);
        requireLength("C", c, (long) m * n);
        if (beta != 0.0 && beta != 1.0) {
            throw new BackendException("gemm: expected beta 0 or 1, found " + beta);
        }
        // B element (p, j): stored kk x n -> p + j*kk; stored n x kk (transB) -> j + p*n
        int bRow = transB ? n : 1, bCol = transB ? 1 : kk;
        boolean accumulate = beta == 1.0;
        if (a instanceof CpuBuffer.F32 && b instanceof CpuBuffer.F32 && c instanceof CpuBuffer.F32) {
            float[] aa = ((CpuBuffer.F32) a).a;
            int aOff = a.offset;
            if (transA) {
                aa = transposeF(aa, a.offset, kk, m);
                aOff = 0;
            }
            final float[] fa = aa;
            final int fOff = aOff;
            float[] bb = ((CpuBuffer.F32) b).a, cc = ((CpuBuffer.F32) c).a;
            if (SIMD) {
                parallel.forRange(n, 4, 8, (from, to) -> VectorGemm.gemmF(fa, fOff, bb, b.offset, bRow, bCol, cc,
                        c.offset, m, kk, from, to, accumulate));
            } else {
                parallel.forRange(n, 4, 8, (from, to) -> kernelF(fa, fOff, bb, b.offset, bRow, bCol, cc, c.offset,
                        m, kk, from, to, accumulate));
            }
        } else if (a instanceof CpuBuffer.F64 && b instanceof CpuBuffer.F64 && c instanceof CpuBuffer.F64) {
            double[] aa = ((CpuBuffer.F64) a).a;
            int aOff = a.offset;
            if (transA) {
                aa = transposeD(aa, a.offset, kk, m);
                aOff = 0;
            }
            final double[] fa = aa;
            final int fOff = aOff;
            double[] bb = ((CpuBuffer.F64) b).a, cc = ((CpuBuffer.F64) c).a;
            if (SIMD) {
                parallel.forRange(n, 4, 8, (from, to) -> VectorGemm.gemmD(fa, fOff, bb, b.offset, bRow, bCol, cc,
                        c.offset, m, kk, from, to, accumulate));
            } else {
                parallel.forRange(n, 4, 8, (from, to) -> kernelD(fa, fOff, bb, b.offset, bRow, bCol, cc, c.offset,
                        m, kk, from, to, accumulate));
            }
        } else {
            throw new BackendException("gemm: expected one dtype for A, B, C, found " + a.dtype() + ", "
                    + b.dtype() + ", " + c.dtype());
        }
    }

    @Override
    public void complexForward(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta, DeviceBuffer y) {
        // W = A + iB: Y = A Z + B (iZ), two real GEMMs over the 2*batch columns of the k = 2 layout
        checkComplex(m, n, batch, w, z, y);
        int mn = m * n;
        DeviceBuffer iz = rotated(z, n, batch, 1.0);
        gemm(false, false, m, 2 * batch, n, w.slice(0, mn), z, beta, y);
        gemm(false, false, m, 2 * batch, n, w.slice(mn, mn), iz, 1.0, y);
    }

    @Override
    public void complexBackwardData(int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, double beta,
                                    DeviceBuffer gz) {
        // W^H = A^T - i B^T: G_Z = A^T G + B^T (-i G)
        checkComplex(m, n, batch, w, gz, gy);
        int mn = m * n;
        DeviceBuffer ig = rotated(gy, m, batch, -1.0);
        gemm(true, false, n, 2 * batch, m, w.slice(0, mn), gy, beta, gz);
        gemm(true, false, n, 2 * batch, m, w.slice(mn, mn), ig, 1.0, gz);
    }

    @Override
    public void complexBackwardWeight(int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z, double beta,
                                      DeviceBuffer gw) {
        // G_W = G Z^H: Re = Gr Zr^T + Gi Zi^T = G Z^T over all 2*batch columns;
        // Im = Gi Zr^T - Gr Zi^T = G (iZ)^T with iZ = (-Zi, Zr)
        checkComplex(m, n, batch, gw, z, gy);
        int mn = m * n;
        DeviceBuffer iz = rotated(z, n, batch, 1.0);
        gemm(false, true, m, n, 2 * batch, gy, z, beta, gw.slice(0, mn));
        gemm(false, true, m, n, 2 * batch, gy, iz, beta, gw.slice(mn, mn));
    }

    private static void checkComplex(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y) {
        requireLength("W", CpuBuffer.of(w), 2L * m * n);
        requireLength("Z", CpuBuffer.of(z), 2L * n * batch);
        requireLength("Y", CpuBuffer.of(y), 2L * m * batch);
    }

    /**
     * {@code sign * i * x} on the k = 2 layout: (re, im) -> sign * (-im, re), into a scratch buffer owned by the
     * calling thread (valid until its next call).
     */
    private DeviceBuffer rotated(DeviceBuffer xBuf, int rows, int batch, double sign) {
        CpuBuffer x = CpuBuffer.of(xBuf);
        int len = 2 * rows * batch;
        if (x instanceof CpuBuffer.F32) {
            float[] t = scratchF.get();
            if (t.length < len) {
                t = new float[len];
                scratchF.set(t);
            }
            float[] xa = ((CpuBuffer.F32) x).a, ta = t;
            float s = (float) sign;
            parallel.forRange(batch, 8, 16, (from, to) -> {
                for (int b = from; b < to; b++) {
                    int re = x.offset + 2 * b * rows, im = re + rows, o = 2 * b * rows;
                    for (int j = 0; j < rows; j++) {
                        ta[o + j] = -s * xa[im + j];
                        ta[o + rows + j] = s * xa[re + j];
                    }
                }
            });
            return new CpuBuffer.F32(t, 0, len);
        }
        double[] t = scratchD.get();
        if (t.length < len) {
            t = new double[len];
            scratchD.set(t);
        }
        double[] xa = ((CpuBuffer.F64) x).a, ta = t;
        parallel.forRange(batch, 8, 16, (from, to) -> {
            for (int b = from; b < to; b++) {
                int re = x.offset + 2 * b * rows, im = re + rows, o = 2 * b * rows;
                for (int j = 0; j < rows; j++) {
                    ta[o + j] = -sign * xa[im + j];
                    ta[o + rows + j] = sign * xa[re + j];
                }
            }
        });
        return new CpuBuffer.F64(t, 0, len);
    }

    private static void requireLength(String what, CpuBuffer buf, long expected) {
        if (buf.length() != expected) {
            throw new BackendException("matmul: expected " + what + " with " + expected + " elements, found "
                    + buf.length());
        }
    }

    /** Copies the rows x cols column-major matrix at src[off..] into its cols x rows transpose. */
    private float[] transposeF(float[] src, int off, int rows, int cols) {
        float[] t = transposeScratchF.get();
        if (t.length < rows * cols) {
            t = new float[rows * cols];
            transposeScratchF.set(t);
        }
        float[] ta = t;
        parallel.forRange(rows, 16, 64, (from, to) -> {
            for (int c0 = 0; c0 < cols; c0 += 32) {                // 32 x 32 blocks: both sides stay in cache
                int c1 = Math.min(cols, c0 + 32);
                for (int r0 = from; r0 < to; r0 += 32) {
                    int r1 = Math.min(to, r0 + 32);
                    for (int c = c0; c < c1; c++) {
                        for (int r = r0; r < r1; r++) {
                            ta[c + r * cols] = src[off + r + c * rows];
                        }
                    }
                }
            }
        });
        return t;
    }

    private double[] transposeD(double[] src, int off, int rows, int cols) {
        double[] t = transposeScratchD.get();
        if (t.length < rows * cols) {
            t = new double[rows * cols];
            transposeScratchD.set(t);
        }
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                t[c + r * cols] = src[off + r + c * rows];
            }
        }
        return t;
    }

    static void kernelF(float[] a, int aOff, float[] b, int bOff, int bRow, int bCol, float[] c, int cOff,
                        int m, int kk, int from, int to, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, cOff + from * m, cOff + to * m, 0f);
        }
        for (int p0 = 0; p0 < kk; p0 += KC) {
            int pEnd = Math.min(kk, p0 + KC);
            for (int j = from; j < to; j++) {
                int cj = cOff + j * m;
                int bj = bOff + j * bCol;
                int p = p0;
                for (; p + 3 < pEnd; p += 4) {
                    float b0 = b[bj + p * bRow], b1 = b[bj + (p + 1) * bRow];
                    float b2 = b[bj + (p + 2) * bRow], b3 = b[bj + (p + 3) * bRow];
                    int a0 = aOff + p * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
                    for (int i = 0; i < m; i++) {
                        c[cj + i] += a[a0 + i] * b0 + a[a1 + i] * b1 + a[a2 + i] * b2 + a[a3 + i] * b3;
                    }
                }
                for (; p < pEnd; p++) {
                    float b0 = b[bj + p * bRow];
                    int a0 = aOff + p * m;
                    for (int i = 0; i < m; i++) {
                        c[cj + i] += a[a0 + i] * b0;
                    }
                }
            }
        }
    }

    static void kernelD(double[] a, int aOff, double[] b, int bOff, int bRow, int bCol, double[] c, int cOff,
                        int m, int kk, int from, int to, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, cOff + from * m, cOff + to * m, 0.0);
        }
        for (int p0 = 0; p0 < kk; p0 += KC) {
            int pEnd = Math.min(kk, p0 + KC);
            for (int j = from; j < to; j++) {
                int cj = cOff + j * m;
                int bj = bOff + j * bCol;
                int p = p0;
                for (; p + 3 < pEnd; p += 4) {
                    double b0 = b[bj + p * bRow], b1 = b[bj + (p + 1) * bRow];
                    double b2 = b[bj + (p + 2) * bRow], b3 = b[bj + (p + 3) * bRow];
                    int a0 = aOff + p * m, a1 = a0 + m, a2 = a1 + m, a3 = a2 + m;
                    for (int i = 0; i < m; i++) {
                        c[cj + i] += a[a0 + i] * b0 + a[a1 + i] * b1 + a[a2 + i] * b2 + a[a3 + i] * b3;
                    }
                }
                for (; p < pEnd; p++) {
                    double b0 = b[bj + p * bRow];
                    int a0 = aOff + p * m;
                    for (int i = 0; i < m; i++) {
                        c[cj + i] += a[a0 + i] * b0;
                    }
                }
            }
        }
    }
}
