package org.goldstone.backend.cuda;

import static jcuda.jcublas.JCublas2.cublasCreate;
import static jcuda.jcublas.JCublas2.cublasDestroy;
import static jcuda.jcublas.JCublas2.cublasDgemm;
import static jcuda.jcublas.JCublas2.cublasSetMathMode;
import static jcuda.jcublas.JCublas2.cublasSetStream;
import static jcuda.jcublas.JCublas2.cublasSgemm;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasMath.CUBLAS_TF32_TENSOR_OP_MATH;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.KernelLaunchException;
import org.goldstone.backend.device.RealGemmProvider;
import org.goldstone.tensor.DType;

/**
 * cuBLAS as the second GEMM provider ({@code --gemm cublas}): the comparison path and speed reference of the
 * equivariant matmul. Real GEMMs map one to one (both column-major); the complex U(1) passes are four real GEMMs
 * each ({@link RealGemmProvider}). Default math mode (no TF32), so the fp32 path is exact fp32 like the native
 * kernels; {@code --gemm cublas-tf32} sets CUBLAS_TF32_TENSOR_OP_MATH (fp32 GEMMs on tensor cores, TF32 inputs).
 */
final class CublasGemm extends RealGemmProvider implements AutoCloseable {
    private final CudaBackend be;
    private final cublasHandle handle = new cublasHandle();
    private final String variant;

    CublasGemm(CudaBackend be, String variant, boolean tf32) {
        this.be = be;
        this.variant = variant + (tf32 ? ", TF32 tensor-op math" : "");
        cublasCreate(handle);
        cublasSetStream(handle, new cudaStream_t(be.stream()));
        if (tf32) {
            cublasSetMathMode(handle, CUBLAS_TF32_TENSOR_OP_MATH);
        }
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

    @Override
    public void close() {
        cublasDestroy(handle);
    }
}
