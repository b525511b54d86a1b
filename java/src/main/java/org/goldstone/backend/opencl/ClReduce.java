package org.goldstone.backend.opencl;

import static org.jocl.CL.clEnqueueCopyBuffer;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.KernelLaunchException;
import org.goldstone.backend.ReduceOps;
import org.goldstone.tensor.DType;
import org.jocl.CLException;

/**
 * Launches the {@code reduce} kernels (kernels/opencl/reduce.cl). Reductions write one acc_t partial per work-group
 * into the backend's scratch buffer; the host adds them in group order, so results are deterministic. Twin:
 * {@code CpuReduce}.
 */
final class ClReduce implements ReduceOps {
    private static final int THREADS = 256;
    private final ClBackend be;

    ClReduce(ClBackend be) {
        this.be = be;
    }

    @Override
    public double dot(DeviceBuffer x, DeviceBuffer y) {
        DType dt = same("dot", x, y);
        int n = x.length();
        if (n == 0) {
            return 0.0;
        }
        int groups = be.reductionGroups(n, THREADS);
        be.kernel("reduce_dot", dt)
                .buf(x)                                    // const real_t* x, int xo
                .buf(y)                                    // const real_t* y, int yo
                .buf(be.partials())                        // acc_t* partials, int po
                .i(n)                                      // int n
                .groups(groups, THREADS)
                .run();
        return be.sumPartials(groups);
    }

    @Override
    public double sumSquares(DeviceBuffer x) {
        ClBuffer.of(x, be);
        int n = x.length();
        if (n == 0) {
            return 0.0;
        }
        int groups = be.reductionGroups(n, THREADS);
        be.kernel("reduce_sumsq", x.dtype())
                .buf(x)                                    // const real_t* x, int xo
                .buf(be.partials())                        // acc_t* partials, int po
                .i(n)                                      // int n
                .groups(groups, THREADS)
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
        ClBuffer.of(x, be);
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
        ClBuffer s = ClBuffer.of(src, be), d = ClBuffer.of(dst, be);
        if (s.length() != d.length()) {
            throw new BackendException("reduce: expected equal lengths, found " + s.length() + " and " + d.length());
        }
        int n = s.length();
        if (n == 0) {
            return;
        }
        if (s.dtype() == d.dtype()) {
            be.ensureOpen();
            try {
                clEnqueueCopyBuffer(be.queue(), s.mem(), d.mem(), s.byteOffset(), d.byteOffset(), s.bytes(), 0, null,
                        null);
            } catch (CLException e) {
                throw new KernelLaunchException("opencl: device-to-device copy of " + s.bytes() + " bytes failed: "
                        + e.getMessage(), e);
            }
            return;
        }
        // both element types exist only in the fp64 program (ClBackend picks it for names containing _f64)
        be.kernel(s.dtype() == DType.F32 ? "reduce_convert_f32_f64" : "reduce_convert_f64_f32")
                .buf(src)                                  // const S* src, int srco
                .buf(dst)                                  // D* dst, int dsto
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void fill(DeviceBuffer x, double value) {
        ClBuffer.of(x, be);
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
        ClBuffer.of(x, be);
        int n = x.length();
        if (n == 0) {
            return -1;
        }
        // two partials per group (the index split into exact halves, see reduce.cl)
        int groups = Math.min(be.reductionGroups(n, THREADS), ClBackend.MAX_PARTIALS / 2);
        be.kernel("reduce_nonfinite", x.dtype())
                .buf(x)                                    // const real_t* x, int xo
                .buf(be.partials())                        // acc_t* partials, int po
                .i(n)                                      // int n
                .groups(groups, THREADS)
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
        ClBuffer.of(x, be);
        ClBuffer.of(y, be);
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
