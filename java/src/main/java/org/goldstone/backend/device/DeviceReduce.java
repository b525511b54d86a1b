package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.ReduceOps;
import org.goldstone.tensor.DType;

/**
 * Launches the {@code reduce} kernels ({@code reduce.cu}, {@code reduce.cl}). Reductions write one partial per block
 * into the backend's scratch buffer (fp64, or fp32 on an OpenCL device without it); the host adds them in group order, so results are deterministic. Twin:
 * {@code CpuReduce}.
 */
public final class DeviceReduce implements ReduceOps {
    private static final int THREADS = 256;
    private final Kernels be;

    public DeviceReduce(Kernels be) {
        this.be = be;
    }

    @Override
    public double dot(DeviceBuffer x, DeviceBuffer y) {
        DType dt = same("dot", x, y);
        int n = x.length();
        if (n == 0) {
            return 0.0;
        }
        int groups = be.reductionBlocks(n, THREADS);
        be.kernel("reduce_dot", dt)
                .buf(x)                                    // const real_t* x, int xo
                .buf(y)                                    // const real_t* y, int yo
                .buf(be.partials())                        // acc_t* partials, int po
                .i(n)                                      // int n
                .blocks(groups, THREADS)
                .run();
        return be.sumPartials(groups);
    }

    @Override
    public double sumSquares(DeviceBuffer x) {
        be.requireOwn(x);
        int n = x.length();
        if (n == 0) {
            return 0.0;
        }
        int groups = be.reductionBlocks(n, THREADS);
        be.kernel("reduce_sumsq", x.dtype())
                .buf(x)                                    // const real_t* x, int xo
                .buf(be.partials())                        // acc_t* partials, int po
                .i(n)                                      // int n
                .blocks(groups, THREADS)
                .run();
        return be.sumPartials(groups);
    }

    @Override
    public void axpyInPlace(double alpha, DeviceBuffer x, DeviceBuffer y) {
        DType dt = same("axpy", x, y);
        int n = x.length();
        if (n == 0) {
            return;
        }
        be.kernel("reduce_axpy", dt)
                .d(alpha)                                  // acc_t alpha
                .buf(x)                                    // const real_t* x, int xo
                .buf(y)                                    // real_t* y, int yo
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void scaleInPlace(double alpha, DeviceBuffer x) {
        be.requireOwn(x);
        int n = x.length();
        if (n == 0) {
            return;
        }
        be.kernel("reduce_scale", x.dtype())
                .d(alpha)                                  // acc_t alpha
                .buf(x)                                    // real_t* x, int xo
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void copy(DeviceBuffer src, DeviceBuffer dst) {
        be.requireOwn(src);
        be.requireOwn(dst);
        if (src.length() != dst.length()) {
            throw new BackendException("reduce: expected equal lengths, found " + src.length() + " and "
                    + dst.length());
        }
        int n = src.length();
        if (n == 0) {
            return;
        }
        if (src.dtype() == dst.dtype()) {
            be.copySameDtype(src, dst);
            return;
        }
        // both element types exist in one kernel (OpenCL: only in the fp64 program, picked for names with _f64)
        be.kernel(src.dtype() == DType.F32 ? "reduce_convert_f32_f64" : "reduce_convert_f64_f32")
                .buf(src)                                  // const S* src, int srco
                .buf(dst)                                  // D* dst, int dsto
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void fill(DeviceBuffer x, double value) {
        be.requireOwn(x);
        int n = x.length();
        if (n == 0) {
            return;
        }
        be.kernel("reduce_fill", x.dtype())
                .buf(x)                                    // real_t* x, int xo
                .d(value)                                  // acc_t value
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public int firstNonFinite(DeviceBuffer x) {
        be.requireOwn(x);
        int n = x.length();
        if (n == 0) {
            return -1;
        }
        // two partials per group (the index split into exact halves, see reduce.cl)
        int groups = Math.min(be.reductionBlocks(n, THREADS), be.maxPartials() / 2);
        be.kernel("reduce_nonfinite", x.dtype())
                .buf(x)                                    // const real_t* x, int xo
                .buf(be.partials())                        // acc_t* partials, int po
                .i(n)                                      // int n
                .blocks(groups, THREADS)
                .run();
        double[] p = be.readPartials(2 * groups);
        long first = Long.MAX_VALUE;
        for (int g = 0; g < groups; g++) {
            if (p[2 * g] != Double.POSITIVE_INFINITY) {
                first = Math.min(first, (long) p[2 * g] * 4096 + (long) p[2 * g + 1]);
            }
        }
        return first == Long.MAX_VALUE ? -1 : (int) first;
    }

    private DType same(String op, DeviceBuffer x, DeviceBuffer y) {
        be.requireOwn(x);
        be.requireOwn(y);
        if (x.length() != y.length()) {
            throw new BackendException("reduce: expected equal lengths, found " + x.length() + " and " + y.length());
        }
        if (x.dtype() != y.dtype()) {
            throw new BackendException(op + ": expected one dtype for x and y, found " + x.dtype() + " and "
                    + y.dtype());
        }
        return x.dtype();
    }
}
