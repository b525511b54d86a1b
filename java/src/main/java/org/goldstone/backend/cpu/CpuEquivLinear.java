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

    private final Parallel parallel;
    private final ThreadLocal<float[]> scratchF = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<double[]> scratchD = ThreadLocal.withInitial(() -> new double[0]);

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
            parallel.forRange(n, 4, 8, (from, to) -> kernelF(fa, fOff, bb, b.offset, bRow, bCol, cc, c.offset,
                    m, kk, from, to, accumulate));
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
            parallel.forRange(n, 4, 8, (from, to) -> kernelD(fa, fOff, bb, b.offset, bRow, bCol, cc, c.offset,
                    m, kk, from, to, accumulate));
        } else {
            throw new BackendException("gemm: expected one dtype for A, B, C, found " + a.dtype() + ", "
                    + b.dtype() + ", " + c.dtype());
        }
    }

    @Override
    public void complexForward(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y) {
        complex(m, n, batch, w, false, z, y);
    }

    @Override
    public void complexBackwardData(int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, DeviceBuffer gz) {
        complex(n, m, batch, w, true, gy, gz);
    }

    /**
     * Y = op(W) Z on the k = 2 layout, op(W) = W (m x n) or W^H (stored n x m when {@code adjoint}).
     * Re Y = A Re Z - B Im Z, Im Y = B Re Z + A Im Z with op(W) = A + iB; for W^H, A = Re(W)^T, B = -Im(W)^T.
     */
    private void complex(int m, int n, int batch, DeviceBuffer wBuf, boolean adjoint, DeviceBuffer zBuf,
                         DeviceBuffer yBuf) {
        CpuBuffer w = CpuBuffer.of(wBuf), z = CpuBuffer.of(zBuf), y = CpuBuffer.of(yBuf);
        requireLength("W", w, 2L * m * n);
        requireLength("Z", z, 2L * n * batch);
        requireLength("Y", y, 2L * m * batch);
        int mn = m * n;
        if (w instanceof CpuBuffer.F32 && z instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32) {
            float[] src = ((CpuBuffer.F32) w).a;
            float[] wa;
            if (adjoint) {
                float[] re = transposeF(src, w.offset, n, m), im = transposeF(src, w.offset + mn, n, m);
                wa = new float[2 * mn];
                System.arraycopy(re, 0, wa, 0, mn);
                for (int i = 0; i < mn; i++) {
                    wa[mn + i] = -im[i];
                }
            } else {
                wa = new float[2 * mn];
                System.arraycopy(src, w.offset, wa, 0, 2 * mn);
            }
            float[] zz = ((CpuBuffer.F32) z).a, yy = ((CpuBuffer.F32) y).a;
            parallel.forRange(batch, 2, 4, (from, to) -> complexKernelF(wa, zz, z.offset, yy, y.offset, m, n, from, to));
        } else if (w instanceof CpuBuffer.F64 && z instanceof CpuBuffer.F64 && y instanceof CpuBuffer.F64) {
            double[] src = ((CpuBuffer.F64) w).a;
            double[] wa;
            if (adjoint) {
                double[] re = transposeD(src, w.offset, n, m), im = transposeD(src, w.offset + mn, n, m);
                wa = new double[2 * mn];
                System.arraycopy(re, 0, wa, 0, mn);
                for (int i = 0; i < mn; i++) {
                    wa[mn + i] = -im[i];
                }
            } else {
                wa = new double[2 * mn];
                System.arraycopy(src, w.offset, wa, 0, 2 * mn);
            }
            double[] zz = ((CpuBuffer.F64) z).a, yy = ((CpuBuffer.F64) y).a;
            parallel.forRange(batch, 2, 4, (from, to) -> complexKernelD(wa, zz, z.offset, yy, y.offset, m, n, from, to));
        } else {
            throw new BackendException("complex matmul: expected one dtype for W, Z, Y, found " + w.dtype() + ", "
                    + z.dtype() + ", " + y.dtype());
        }
    }

    @Override
    public void complexBackwardWeight(int m, int n, int batch, DeviceBuffer gyBuf, DeviceBuffer zBuf,
                                      DeviceBuffer gwBuf) {
        // G_W = G_Y Z^H: Re = Gr Zr^T + Gi Zi^T, Im = Gi Zr^T - Gr Zi^T, where on the k = 2 layout the real parts
        // of sample b are column 2b and the imaginary parts column 2b+1 of a (rows x 2*batch) matrix.
        CpuBuffer gy = CpuBuffer.of(gyBuf), z = CpuBuffer.of(zBuf), gw = CpuBuffer.of(gwBuf);
        requireLength("G_Y", gy, 2L * m * batch);
        requireLength("Z", z, 2L * n * batch);
        requireLength("G_W", gw, 2L * m * n);
        int mn = m * n;
        // A = [Gr | Gi] as m x 2batch with column stride m (the natural layout), B^T from Z with sign handling:
        // Re G_W[i, p] = sum_c G[i, c] Z[p, c] over all 2*batch columns c (Gr Zr + Gi Zi): one real GEMM, transB.
        // Im G_W[i, p] = sum_b Gi[i, b] Zr[p, b] - Gr[i, b] Zi[p, b]: a real GEMM against Z' = (-Zi, Zr) swapped.
        DeviceBuffer re = gw.slice(0, mn), im = gw.slice(mn, mn);
        gemm(false, true, m, n, 2 * batch, gy, z, 0.0, re);
        DeviceBuffer zSwap = CpuBuffer.allocate(z.dtype(), z.length());
        CpuBuffer s = (CpuBuffer) zSwap;
        for (int b = 0; b < batch; b++) {
            int re0 = 2 * b * n, im0 = re0 + n;
            for (int p = 0; p < n; p++) {
                s.set(re0 + p, -z.get(im0 + p));   // pairs with Gr: -Gr Zi
                s.set(im0 + p, z.get(re0 + p));    // pairs with Gi: +Gi Zr
            }
        }
        gemm(false, true, m, n, 2 * batch, gy, zSwap, 0.0, im);
    }

    private static void requireLength(String what, CpuBuffer buf, long expected) {
        if (buf.length() != expected) {
            throw new BackendException("matmul: expected " + what + " with " + expected + " elements, found "
                    + buf.length());
        }
    }

    /** Copies the rows x cols column-major matrix at src[off..] into its cols x rows transpose. */
    private float[] transposeF(float[] src, int off, int rows, int cols) {
        float[] t = scratchF.get();
        if (t.length < rows * cols) {
            t = new float[rows * cols];
            scratchF.set(t);
        }
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                t[c + r * cols] = src[off + r + c * rows];
            }
        }
        return rows * cols == t.length ? t : java.util.Arrays.copyOf(t, rows * cols);
    }

    private double[] transposeD(double[] src, int off, int rows, int cols) {
        double[] t = scratchD.get();
        if (t.length < rows * cols) {
            t = new double[rows * cols];
            scratchD.set(t);
        }
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                t[c + r * cols] = src[off + r + c * rows];
            }
        }
        return rows * cols == t.length ? t : java.util.Arrays.copyOf(t, rows * cols);
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

    /** Samples [from, to): Y_b = op(W) Z_b with op(W) = A + iB stored planar in w (A at 0, B at m*n). */
    static void complexKernelF(float[] w, float[] z, int zOff, float[] y, int yOff, int m, int n, int from, int to) {
        int mn = m * n;
        for (int bIdx = from; bIdx < to; bIdx++) {
            int zr = zOff + 2 * bIdx * n, zi = zr + n;
            int yr = yOff + 2 * bIdx * m, yi = yr + m;
            java.util.Arrays.fill(y, yr, yr + 2 * m, 0f);
            for (int p = 0; p < n; p++) {
                float xr = z[zr + p], xi = z[zi + p];
                int ar = p * m, ai = mn + p * m;
                for (int i = 0; i < m; i++) {
                    float wr = w[ar + i], wi = w[ai + i];
                    y[yr + i] += wr * xr - wi * xi;
                    y[yi + i] += wi * xr + wr * xi;
                }
            }
        }
    }

    static void complexKernelD(double[] w, double[] z, int zOff, double[] y, int yOff, int m, int n, int from, int to) {
        int mn = m * n;
        for (int bIdx = from; bIdx < to; bIdx++) {
            int zr = zOff + 2 * bIdx * n, zi = zr + n;
            int yr = yOff + 2 * bIdx * m, yi = yr + m;
            java.util.Arrays.fill(y, yr, yr + 2 * m, 0.0);
            for (int p = 0; p < n; p++) {
                double xr = z[zr + p], xi = z[zi + p];
                int ar = p * m, ai = mn + p * m;
                for (int i = 0; i < m; i++) {
                    double wr = w[ar + i], wi = w[ai + i];
                    y[yr + i] += wr * xr - wi * xi;
                    y[yi + i] += wi * xr + wr * xi;
                }
            }
        }
    }
}
