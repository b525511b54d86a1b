package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.layer.Radial;
import org.goldstone.tensor.DType;

/**
 * Launches the {@code equiv_linear} kernels. Each operand is passed as (pointer, row stride, column stride[, offset of
 * the imaginary part]); the strides encode transposes, the planar complex weights and the k = 2 unit layout of
 * U(1) activations, so one real and one complex kernel serve every case. With another GEMM provider selected
 * ({@code --gemm cublas|cublas-tf32|cublas-bf16|tf32}) every pass of a dtype it supports goes to that
 * {@link GemmProvider} instead. Twin: {@code CpuEquivLinear}.
 */
public final class DeviceEquivLinear implements EquivLinearOps {
    private static final int TILE = 64;
    private final Kernels be;
    /** Null: the equiv_linear kernels; else the provider (cuBLAS, tensor cores) runs every pass of a dtype it supports. */
    private final GemmProvider provider;

    public DeviceEquivLinear(Kernels be, GemmProvider provider) {
        this.be = be;
        this.provider = provider;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int kk,
                     DeviceBuffer a, DeviceBuffer b, double beta, DeviceBuffer c) {
        DType dt = check("gemm", a, (long) m * kk, b, (long) kk * n, c, (long) m * n, beta);
        if (m == 0 || n == 0) {
            return;
        }
        if (provider != null && provider.supports(dt)) {
            provider.gemm(dt, transA, transB, m, n, kk, 1.0, a, 0, transA ? kk : m, b, 0, transB ? n : kk, beta,
                    c, 0, m);
            return;
        }
        be.kernel("equiv_linear_gemm", dt)
                .i(m)                                      // int m
                .i(n)                                      // int n
                .i(kk)                                     // int kk
                .buf(a)                                    // const T* a
                .l(transA ? kk : 1)                        // long aRs: A(i, p) at i*aRs + p*aCs
                .l(transA ? 1 : m)                         // long aCs
                .buf(b)                                    // const T* b
                .l(transB ? n : 1)                         // long bRs: B(p, j) at p*bRs + j*bCs
                .l(transB ? 1 : kk)                        // long bCs
                .d(beta)                                   // double beta
                .buf(c)                                    // T* c
                .l(1)                                      // long cRs
                .l(m)                                      // long cCs
                .tiles(tiles(n), tiles(m))
                .run();
    }

    @Override
    public void complexForward(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta, DeviceBuffer y) {
        // Y(i, b) = sum_p W(i, p) Z(p, b): W planar m x n, Z and Y in the k = 2 unit layout
        DType dt = check("complexForward", w, 2L * m * n, z, 2L * n * batch, y, 2L * m * batch, beta);
        if (provider != null && provider.supports(dt)) {
            provider.complexForward(dt, m, n, batch, w, z, beta, y);
            return;
        }
        cgemm(dt, m, batch, n,
                w, 1, m, (long) m * n, 1.0,
                z, 1, 2L * n, n, 1.0,
                beta, y, 1, 2L * m, m);
    }

    @Override
    public void complexBackwardData(int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, double beta,
                                    DeviceBuffer gz) {
        // G_Z(p, b) = sum_i conj(W(i, p)) G_Y(i, b): A(p, i) = conj W at i + p*m, so rs = m, cs = 1
        DType dt = check("complexBackwardData", w, 2L * m * n, gy, 2L * m * batch, gz, 2L * n * batch, beta);
        if (provider != null && provider.supports(dt)) {
            provider.complexBackwardData(dt, m, n, batch, w, gy, beta, gz);
            return;
        }
        cgemm(dt, n, batch, m,
                w, m, 1, (long) m * n, -1.0,
                gy, 1, 2L * m, m, 1.0,
                beta, gz, 1, 2L * n, n);
    }

    @Override
    public void complexBackwardWeight(int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z, double beta,
                                      DeviceBuffer gw) {
        // G_W(i, p) = sum_b G_Y(i, b) conj(Z(p, b)): B(b, p) = conj Z at p + 2b*n, so rs = 2n, cs = 1
        DType dt = check("complexBackwardWeight", gy, 2L * m * batch, z, 2L * n * batch, gw, 2L * m * n, beta);
        if (provider != null && provider.supports(dt)) {
            provider.complexBackwardWeight(dt, m, n, batch, gy, z, beta, gw);
            return;
        }
        cgemm(dt, m, n, batch,
                gy, 1, 2L * m, m, 1.0,
                z, 2L * n, 1, n, -1.0,
                beta, gw, 1, m, (long) m * n);
    }

    private void cgemm(DType dt, int rows, int cols, int inner,
                       DeviceBuffer a, long aRs, long aCs, long aIm, double aSign,
                       DeviceBuffer b, long bRs, long bCs, long bIm, double bSign,
                       double beta, DeviceBuffer c, long cRs, long cCs, long cIm) {
        if (rows == 0 || cols == 0) {
            return;
        }
        be.kernel("equiv_linear_cgemm", dt)
                .i(rows)                                   // int m
                .i(cols)                                   // int n
                .i(inner)                                  // int kk
                .buf(a)                                    // const T* a
                .l(aRs)                                    // long aRs
                .l(aCs)                                    // long aCs
                .l(aIm)                                    // long aIm: imaginary part offset
                .d(aSign)                                  // double aSign: -1 conjugates A
                .buf(b)                                    // const T* b
                .l(bRs)                                    // long bRs
                .l(bCs)                                    // long bCs
                .l(bIm)                                    // long bIm
                .d(bSign)                                  // double bSign
                .d(beta)                                   // double beta
                .buf(c)                                    // T* c
                .l(cRs)                                    // long cRs
                .l(cCs)                                    // long cCs
                .l(cIm)                                    // long cIm
                .tiles(tiles(cols), tiles(rows))
                .run();
    }

    @Override
    public boolean gemmNormAct(int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, DeviceBuffer z,
                               Radial radial, int k) {
        DType dt = checkEpilogue("gemmNormAct", m, n, kk, a, b, 0.0, null, y, k, z);
        return m > 0 && n > 0 && provider != null && provider.supports(dt)
                && provider.gemmNormAct(dt, m, n, kk, a, b, y, z, radial, k);
    }

    @Override
    public boolean gemmNormActJacobian(boolean transA, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b,
                                       double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer out, Radial radial,
                                       int k) {
        DType dt = checkEpilogue("gemmNormActJacobian", m, n, kk, a, b, beta, c, out, k, y);
        return m > 0 && n > 0 && provider != null && provider.supports(dt)
                && provider.gemmNormActJacobian(dt, transA, m, n, kk, a, b, beta, c, y, out, radial, k);
    }

    @Override
    public boolean gemmNormActBackwardR(boolean transA, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b,
                                        double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer g,
                                        Radial radial, int k) {
        if (c == null) {
            throw new BackendException("gemmNormActBackwardR: expected C (it receives R{G_y}), found null");
        }
        DType dt = checkEpilogue("gemmNormActBackwardR", m, n, kk, a, b, beta, c, g, k, y, ry);
        return m > 0 && n > 0 && provider != null && provider.supports(dt)
                && provider.gemmNormActBackwardR(dt, transA, m, n, kk, a, b, beta, c, y, ry, g, radial, k);
    }

    @Override
    public boolean complexForwardNormAct(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y,
                                         DeviceBuffer out, Radial radial) {
        DType dt = check("complexForwardNormAct", w, 2L * m * n, z, 2L * n * batch, y, 2L * m * batch, 0.0);
        checkMore("complexForwardNormAct", dt, 2L * m * batch, out);
        return m > 0 && n > 0 && batch > 0 && provider != null && provider.supports(dt)
                && provider.complexForwardNormAct(dt, m, n, batch, w, z, y, out, radial);
    }

    @Override
    public boolean complexNormActJacobian(boolean conjTrans, int m, int n, int batch, DeviceBuffer w,
                                          DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                          DeviceBuffer out, Radial radial) {
        String op = "complexNormActJacobian";
        long in = 2L * (conjTrans ? m : n) * batch, res = 2L * (conjTrans ? n : m) * batch;
        DType dt = check(op, w, 2L * m * n, b, in, out, res, beta);
        checkC(op, dt, res, c, beta);
        checkMore(op, dt, res, y);
        return m > 0 && n > 0 && batch > 0 && provider != null && provider.supports(dt)
                && provider.complexNormActJacobian(dt, conjTrans, m, n, batch, w, b, beta, c, y, out, radial);
    }

    @Override
    public boolean complexNormActBackwardR(int m, int n, int batch, DeviceBuffer w, DeviceBuffer b, double beta,
                                           DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer g,
                                           Radial radial) {
        String op = "complexNormActBackwardR";
        if (c == null) {
            throw new BackendException(op + ": expected C (it receives R{G_y}), found null");
        }
        long res = 2L * n * batch;
        DType dt = check(op, w, 2L * m * n, b, 2L * m * batch, g, res, beta);
        checkMore(op, dt, res, c, y, ry);
        return m > 0 && n > 0 && batch > 0 && provider != null && provider.supports(dt)
                && provider.complexNormActBackwardR(dt, m, n, batch, w, b, beta, c, y, ry, g, radial);
    }

    /**
     * The checks of a fused epilogue's operands: A m x kk, B kk x n, {@code out} and each of {@code reads} m x n,
     * C m x n or null (then beta 0), one dtype, all this backend's, n a multiple of k. Returns the dtype.
     */
    private DType checkEpilogue(String op, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, double beta,
                                DeviceBuffer c, DeviceBuffer out, int k, DeviceBuffer... reads) {
        DType dt = check(op, a, (long) m * kk, b, (long) kk * n, out, (long) m * n, beta);
        checkC(op, dt, (long) m * n, c, beta);
        checkMore(op, dt, (long) m * n, reads);
        if (k < 1 || n % k != 0) {
            throw new BackendException(op + ": expected n = batch*k columns, found n " + n + " and k " + k);
        }
        return dt;
    }

    /** C of a fused epilogue: null (then beta must be 0, and G is not kept) or as {@link #checkMore}. */
    private void checkC(String op, DType dt, long length, DeviceBuffer c, double beta) {
        if (c == null && beta != 0.0) {
            throw new BackendException(op + ": expected beta 0 without C, found " + beta);
        }
        if (c != null) {
            checkMore(op, dt, length, c);
        }
    }

    /** Each of {@code more}: {@code length} elements of {@code dt}, this backend's. */
    private void checkMore(String op, DType dt, long length, DeviceBuffer... more) {
        for (DeviceBuffer x : more) {
            require(op, "each result-sized operand", x, length);
            if (x.dtype() != dt) {
                throw new BackendException(op + ": expected every operand of " + dt + ", found " + x.dtype());
            }
            be.requireOwn(x);
        }
    }

    private static int tiles(int size) {
        return (size + TILE - 1) / TILE;
    }

    private DType check(String op, DeviceBuffer a, long aLen, DeviceBuffer b, long bLen, DeviceBuffer c, long cLen,
                        double beta) {
        require(op, "A", a, aLen);
        require(op, "B", b, bLen);
        require(op, "C", c, cLen);
        if (beta != 0.0 && beta != 1.0) {
            throw new BackendException(op + ": expected beta 0 or 1, found " + beta);
        }
        if (a.dtype() != b.dtype() || a.dtype() != c.dtype()) {
            throw new BackendException(op + ": expected one dtype for all operands, found " + a.dtype() + ", "
                    + b.dtype() + ", " + c.dtype());
        }
        be.requireOwn(a);
        be.requireOwn(b);
        be.requireOwn(c);
        return a.dtype();
    }

    private static void require(String op, String name, DeviceBuffer x, long expected) {
        if (x.length() != expected) {
            throw new BackendException(op + ": expected " + name + " of " + expected + " elements, found "
                    + x.length());
        }
    }
}
