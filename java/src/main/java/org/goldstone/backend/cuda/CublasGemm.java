package org.goldstone.backend.cuda;

import static jcuda.jcublas.JCublas2.cublasCreate;
import static jcuda.jcublas.JCublas2.cublasDestroy;
import static jcuda.jcublas.JCublas2.cublasDgemm;
import static jcuda.jcublas.JCublas2.cublasGemmEx_new;
import static jcuda.jcublas.JCublas2.cublasSetMathMode;
import static jcuda.jcublas.JCublas2.cublasSetStream;
import static jcuda.jcublas.JCublas2.cublasSgemm;
import static jcuda.cudaDataType.CUDA_R_16BF;
import static jcuda.cudaDataType.CUDA_R_32F;
import static jcuda.jcublas.cublasComputeType.CUBLAS_COMPUTE_32F;
import static jcuda.jcublas.cublasGemmAlgo.CUBLAS_GEMM_DEFAULT;
import static jcuda.jcublas.cublasMath.CUBLAS_TF32_TENSOR_OP_MATH;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_N;
import static jcuda.jcublas.cublasOperation.CUBLAS_OP_T;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.KernelLaunchException;
import org.goldstone.backend.device.RealGemmProvider;
import org.goldstone.tensor.DType;

/**
 * cuBLAS as the second GEMM provider ({@code --gemm cublas}): the comparison path and speed reference of the
 * equivariant matmul. Real GEMMs map one to one (both column-major); the complex U(1) passes are four real GEMMs
 * each ({@link RealGemmProvider}). The {@link Mode} decides how fp32 GEMMs round their inputs; fp64 GEMMs are
 * always cublasDgemm (exact fp64).
 */
final class CublasGemm extends RealGemmProvider implements AutoCloseable {
    private static final int THREADS = 256;
    /** How fp32 GEMMs multiply; storage of the operands and accumulation stay fp32 in every mode. */
    enum Mode {
        /** {@code --gemm cublas}: cublasSgemm in the default math mode, exact fp32 like the native kernels. */
        EXACT(""),
        /** {@code --gemm cublas-tf32}: cublasSgemm with CUBLAS_TF32_TENSOR_OP_MATH, inputs rounded to TF32. */
        TF32(", TF32 tensor-op math"),
        /**
         * {@code --gemm cublas-bf16}: the fp32 operands are rounded to bf16 (8 significant bits, round to nearest
         * even) by the engine's own kernel {@code bf16_from_f32} ({@code kernels/cuda/bf16.cu}, twin
         * {@code backend.cpu.Bf16}) into reused workspaces, then cublasGemmEx multiplies the bf16 copies with
         * CUBLAS_COMPUTE_32F (fp32 accumulation) into fp32 C. The conversion is explicit because
         * CUBLAS_COMPUTE_32F_FAST_16BF on fp32 inputs is only a permission: cuBLAS 13.1 on an H100 used TF32 inputs.
         * JCublas2 12.6.0 binds the cublasComputeType_t signature as {@code cublasGemmEx_new}: its plain
         * {@code cublasGemmEx} is the CUDA 10 form, which takes a cudaDataType compute type, maps it to
         * COMPUTE_32F/64F/16F/32I in Java and returns CUBLAS_STATUS_NOT_SUPPORTED for anything else without
         * throwing, leaving C unwritten.
         */
        BF16(", bf16 inputs (rounded to nearest even by bf16_from_f32), fp32 accumulate");

        private final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final CudaBackend be;
    private final cublasHandle handle = new cublasHandle();
    private final String variant;
    private final Mode mode;
    /**
     * Mode.BF16: the bf16 copies of the A and B regions a GEMM reads, two bf16 values per fp32 element, reused by
     * every call (one in-order stream) and grown when a call needs more.
     */
    private DeviceBuffer aBf16, bBf16;

    CublasGemm(CudaBackend be, String variant, Mode mode) {
        super(be.kernels());
        this.be = be;
        this.mode = mode;
        this.variant = variant + mode.label;
        cublasCreate(handle);
        cublasSetStream(handle, new cudaStream_t(be.stream()));
        if (mode == Mode.TF32) {
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
        if (dt == DType.F32 && mode == Mode.BF16) {
            // op(A) is m x kk, stored as (transA ? kk x m : m x kk) with leading dimension lda; the same for B
            aBf16 = toBf16(a, aOff, transA ? kk : m, transA ? m : kk, lda, aBf16);
            bBf16 = toBf16(b, bOff, transB ? n : kk, transB ? kk : n, ldb, bBf16);
        }
        Pointer pa = at(a, aOff), pb = at(b, bOff), pc = at(c, cOff);
        int opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N, opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
        try {
            if (dt == DType.F64) {
                cublasDgemm(handle, opA, opB, m, n, kk, Pointer.to(new double[] {alpha}), pa, lda, pb, ldb,
                        Pointer.to(new double[] {beta}), pc, ldc);
            } else if (mode == Mode.BF16) {
                // alpha and beta are fp32 host scalars: the scale type of CUBLAS_COMPUTE_32F is CUDA_R_32F
                int status = cublasGemmEx_new(handle, opA, opB, m, n, kk,
                        Pointer.to(new float[] {(float) alpha}),
                        at(aBf16, 0), CUDA_R_16BF, lda,
                        at(bBf16, 0), CUDA_R_16BF, ldb,
                        Pointer.to(new float[] {(float) beta}),
                        pc, CUDA_R_32F, ldc,
                        CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
                if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {   // a status is never dropped silently
                    throw new CudaException(cublasStatus.stringFor(status));
                }
            } else {
                cublasSgemm(handle, opA, opB, m, n, kk, Pointer.to(new float[] {(float) alpha}), pa, lda, pb, ldb,
                        Pointer.to(new float[] {(float) beta}), pc, ldc);
            }
        } catch (CudaException e) {
            throw new KernelLaunchException("cuBLAS " + routine(dt) + " " + m + "x" + n + "x" + kk + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The cuBLAS routine a GEMM of this dtype calls, as the error message names it. */
    private String routine(DType dt) {
        if (dt == DType.F64) {
            return "dgemm";
        }
        return mode == Mode.BF16 ? "gemmEx (bf16 A and B, fp32 C, COMPUTE_32F)" : "sgemm";
    }

    /**
     * Rounds the fp32 elements an operand view reads to bf16 with {@code bf16_from_f32}: the view is rows x cols,
     * column-major with leading dimension ld, from element off of x; the copy in ws (reused, replaced by a larger
     * one when too small) keeps ld, so cuBLAS reads it as it would have read x. Returns the workspace.
     */
    private DeviceBuffer toBf16(DeviceBuffer x, long off, int rows, int cols, int ld, DeviceBuffer ws) {
        long count = readExtent(rows, cols, ld);
        int floats = bf16WorkspaceLength(count);
        DeviceBuffer out = ws;
        if (out == null || out.length() < floats) {
            out = be.allocate(DType.F32, floats);
        }
        if (count > 0) {
            be.kernel("bf16_from_f32")
                    .l(count)                              // long count
                    .ptr(x, off)                           // const float* x
                    .ptr(out, 0)                           // __nv_bfloat16* y
                    .over(count, THREADS)
                    .run();
        }
        return out;
    }

    /**
     * Elements from a view's first element to its last one, rows x cols column-major with leading dimension ld:
     * up to the last row of the last column, not ld past it (a view may end before a full last column); 0 when empty.
     */
    static long readExtent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (cols - 1) * ld + rows;
    }

    /**
     * fp32 elements of a workspace holding count bf16 values: two per element, at least one (a valid pointer).
     * count never exceeds the operand buffer's int length, so the result fits an int.
     */
    static int bf16WorkspaceLength(long count) {
        return (int) Math.max(1, (count + 1) / 2);
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
