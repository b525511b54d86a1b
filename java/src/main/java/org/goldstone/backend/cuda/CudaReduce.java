package org.goldstone.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.ReduceOps;
import org.goldstone.tensor.DType;

/**
 * Launches the {@code reduce} kernels. Reductions write one fp64 partial per block into the backend's scratch
 * buffer; the host adds them in block order, so results are deterministic. Twin: {@code CpuReduce}.
 */
final class CudaReduce implements ReduceOps {
    private static final int THREADS = 256;
    private final CudaBackend be;

    CudaReduce(CudaBackend be) {
        this.be = be;
    }

    @Override
    public double dot(DeviceBuffer x, DeviceBuffer y) {
        DType dt = same("dot", x, y);
        int n = x.length();
        if (n == 0) {
            return 0.0;
        }
        int blocks = be.reductionBlocks(n, THREADS);
        be.kernel("reduce_dot", dt)
                .buf(x)                                    // const T* x
                .buf(y)                                    // const T* y
                .buf(be.partials())                        // double* partials
                .i(n)                                      // int n
                .grid(blocks).block(THREADS)
                .run();
        return be.sumPartials(blocks);
    }

    @Override
    public double sumSquares(DeviceBuffer x) {
        CudaBuffer.of(x, be);
        int n = x.length();
        if (n == 0) {
            return 0.0;
        }
        int blocks = be.reductionBlocks(n, THREADS);
        be.kernel("reduce_sumsq", x.dtype())
                .buf(x)                                    // const T* x
                .buf(be.partials())                        // double* partials
                .i(n)                                      // int n
                .grid(blocks).block(THREADS)
                .run();
        return be.sumPartials(blocks);
    }

    @Override
    public void axpyInPlace(double alpha, DeviceBuffer x, DeviceBuffer y) {
        DType dt = same("axpy", x, y);
        int n = x.length();
        if (n == 0) {
            return;
        }
        be.kernel("reduce_axpy", dt)
                .d(alpha)                                  // double alpha
                .buf(x)                                    // const T* x
                .buf(y)                                    // T* y
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void scaleInPlace(double alpha, DeviceBuffer x) {
        CudaBuffer.of(x, be);
        int n = x.length();
        if (n == 0) {
            return;
        }
        be.kernel("reduce_scale", x.dtype())
                .d(alpha)                                  // double alpha
                .buf(x)                                    // T* x
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void copy(DeviceBuffer src, DeviceBuffer dst) {
        CudaBuffer s = CudaBuffer.of(src, be), d = CudaBuffer.of(dst, be);
        if (s.length() != d.length()) {
            throw new BackendException("reduce: expected equal lengths, found " + s.length() + " and " + d.length());
        }
        int n = s.length();
        if (n == 0) {
            return;
        }
        if (s.dtype() == d.dtype()) {
            be.bind();
            cuMemcpyDtoDAsync(d.pointer(), s.pointer(), s.bytes(), be.stream());
            return;
        }
        be.kernel(s.dtype() == DType.F32 ? "reduce_convert_f32_f64" : "reduce_convert_f64_f32")
                .buf(src)                                  // const S* src
                .buf(dst)                                  // D* dst
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public void fill(DeviceBuffer x, double value) {
        CudaBuffer.of(x, be);
        int n = x.length();
        if (n == 0) {
            return;
        }
        be.kernel("reduce_fill", x.dtype())
                .buf(x)                                    // T* x
                .d(value)                                  // double value
                .i(n)                                      // int n
                .over(n, THREADS)
                .run();
    }

    @Override
    public int firstNonFinite(DeviceBuffer x) {
        CudaBuffer.of(x, be);
        int n = x.length();
        if (n == 0) {
            return -1;
        }
        int blocks = be.reductionBlocks(n, THREADS);
        be.kernel("reduce_nonfinite", x.dtype())
                .buf(x)                                    // const T* x
                .buf(be.partials())                        // double* partials
                .i(n)                                      // int n
                .grid(blocks).block(THREADS)
                .run();
        double first = Double.POSITIVE_INFINITY;
        for (double p : be.readPartials(blocks)) {
            first = Math.min(first, p);
        }
        return first == Double.POSITIVE_INFINITY ? -1 : (int) first;
    }

    private DType same(String op, DeviceBuffer x, DeviceBuffer y) {
        CudaBuffer.of(x, be);
        CudaBuffer.of(y, be);
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
