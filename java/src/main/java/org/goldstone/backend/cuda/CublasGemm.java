package org.goldstone.backend.cuda;

import static jcuda.jcublas.JCublas2.cublasCreate;
import static jcuda.jcublas.JCublas2.cublasDestroy;
import static jcuda.jcublas.JCublas2.cublasDgemm;
import static jcuda.jcublas.JCublas2.cublasSetStream;
import static jcuda.jcublas.JCublas2.cublasSgemm;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.KernelLaunchException;
import org.goldstone.backend.device.GemmProvider;
import org.goldstone.tensor.DType;

/**
 * cuBLAS as the second GEMM provider ({@code --gemm cublas}): the comparison path and speed reference of the
 * equivariant matmul. Real GEMMs map one to one (both column-major); the complex U(1) passes are four real GEMMs
 * each on the planar weights and the k = 2 unit layout (leading dimension 2 x rows, imaginary rows offset by rows).
 * Default math mode (no TF32), so the fp32 path is exact fp32 like the native kernels.
 */
final class CublasGemm implements GemmProvider, AutoCloseable {
    private final CudaBackend be;
    private final cublasHandle handle = new cublasHandle();
    private final String variant;

    CublasGemm(CudaBackend be, String variant) {
        this.be = be;
        this.variant = variant;
        cublasCreate(handle);
        cublasSetStream(handle, new cudaStream_t(be.stream()));
    }

    @Override
    public String variant() {
        return variant;
    }

    /** C = alpha op(A) op(B) + beta C on views given as (buffer, element offset, leading dimension). */
    @Override
    public void gemm(DType dt, boolean transA, boolean transB, int m, int n, int kk, double alpha,
              DeviceBuffer a, long aOff, int lda, DeviceBuffer b, long bOff, int ldb, double beta,
              DeviceBuffer c, long cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        be.bind();
        Pointer pa = at(a, aOff), pb = at(b, bOff), pc = at(c, cOff);
        int opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
        try {
            if (dt == DType.F64) {
                cublasDgemm(handle, opA, opB, m, n, kk, Pointer.to(new double[] {alpha}), pa, lda, pb, ldb,
                        Pointer.to(new double[] {beta}), pc, ldc);
            } else {
                cublasSgemm(handle, opA, opB, m, n, kk, Pointer.to(new float[] {(float) alpha}), pa, lda, pb, ldb,
                        Pointer.to(new float[] {(float) beta}), pc, ldc);
            }
        } catch (CudaException e) {
            throw new KernelLaunchException("cuBLAS " + (dt == DType.F64 ? "dgemm" : "sgemm") + " " + m + "x" + n
                    + "x" + kk + " failed: " + e.getMessage(), e);
        }
    }

    private Pointer at(DeviceBuffer x, long offset) {
        CudaBuffer c = CudaBuffer.of(x, be);
        return offset == 0 ? c.pointer() : c.pointer().withByteOffset(offset * c.dtype().bytes());
    }

    /** Y = W Z + beta Y: Yr = Wr Zr - Wi Zi, Yi = Wr Zi + Wi Zr. */
    @Override
    public void complexForward(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta,
                        DeviceBuffer y) {
        long mn = (long) m * n;
        gemm(dt, false, false, m, batch, n, 1, w, 0, m, z, 0, 2 * n, beta, y, 0, 2 * m);
        gemm(dt, false, false, m, batch, n, -1, w, mn, m, z, n, 2 * n, 1, y, 0, 2 * m);
        gemm(dt, false, false, m, batch, n, 1, w, 0, m, z, n, 2 * n, beta, y, m, 2 * m);
        gemm(dt, false, false, m, batch, n, 1, w, mn, m, z, 0, 2 * n, 1, y, m, 2 * m);
    }

    /** G_Z = W^H G_Y + beta G_Z: Re = Wr^T Gr + Wi^T Gi, Im = Wr^T Gi - Wi^T Gr. */
    @Override
    public void complexBackwardData(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, double beta,
                             DeviceBuffer gz) {
        long mn = (long) m * n;
        gemm(dt, true, false, n, batch, m, 1, w, 0, m, gy, 0, 2 * m, beta, gz, 0, 2 * n);
        gemm(dt, true, false, n, batch, m, 1, w, mn, m, gy, m, 2 * m, 1, gz, 0, 2 * n);
        gemm(dt, true, false, n, batch, m, 1, w, 0, m, gy, m, 2 * m, beta, gz, n, 2 * n);
        gemm(dt, true, false, n, batch, m, -1, w, mn, m, gy, 0, 2 * m, 1, gz, n, 2 * n);
    }

    /** G_W = G_Y Z^H + beta G_W: Re = Gr Zr^T + Gi Zi^T, Im = Gi Zr^T - Gr Zi^T (planar). */
    @Override
    public void complexBackwardWeight(DType dt, int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z, double beta,
                               DeviceBuffer gw) {
        long mn = (long) m * n;
        gemm(dt, false, true, m, n, batch, 1, gy, 0, 2 * m, z, 0, 2 * n, beta, gw, 0, m);
        gemm(dt, false, true, m, n, batch, 1, gy, m, 2 * m, z, n, 2 * n, 1, gw, 0, m);
        gemm(dt, false, true, m, n, batch, 1, gy, m, 2 * m, z, 0, 2 * n, beta, gw, mn, m);
        gemm(dt, false, true, m, n, batch, -1, gy, 0, 2 * m, z, n, 2 * n, 1, gw, mn, m);
    }

    @Override
    public void close() {
        cublasDestroy(handle);
    }
}
