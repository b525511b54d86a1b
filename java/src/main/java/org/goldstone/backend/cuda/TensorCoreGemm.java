package org.goldstone.backend.cuda;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.device.PooledBuffer;
import org.goldstone.backend.device.RealGemmProvider;
import org.goldstone.layer.Radial;
import org.goldstone.tensor.DType;

/**
 * The engine's own tensor-core GEMM ({@code --gemm tf32}, backend "cuda+tf32"): fp32 storage, TF32 inputs, fp32
 * accumulation, kernels of {@code kernels/cuda/tc_gemm.cu} (128 x 128 tiles: mma.sync {@code tc_gemm_tf32_mma_*} for
 * aligned operands, register-staged wmma {@code tc_gemm_tf32} for the rest), split along K into a pooled workspace
 * when the C tiles alone cannot fill the device (the weight gradient: m x n small, K = batch), the slices then summed
 * in order by {@code tc_gemm_reduce} (deterministic, no atomics).
 * Only fp32 GEMMs run here; fp64 stays on the exact SIMT kernels of {@code equiv_linear}. Needs compute capability
 * 8.0 or newer (the fatbin carries sm_80 and sm_90 code and compute_90 PTX).
 */
final class TensorCoreGemm extends RealGemmProvider {
    private static final int TILE = 128, THREADS = 256, DEPTH = 16;
    /**
     * Which tensor-core kernel serves operands whose unit-stride rows are 16-byte aligned
     * ({@code -Dgoldstone.tc.kernel=...}); the register-staged {@code tc_gemm_tf32} serves the other operands in any
     * case.
     * <ul>
     *   <li>{@code mma} (default): mma.sync m16n8k8 with three 32-deep cp.async slices in flight and conflict-free
     *       fragment loads ({@code tc_gemm_tf32_mma_*}, 108 KB of dynamic shared memory per block, two blocks per
     *       SM), and the fused O(k) layer forward ({@link #gemmNormAct}). On the H100 122 us for a 1024 x 4096 x
     *       1024 GEMM, against 210 us for the wmma cp.async kernel it replaced; every parity suite passed with it
     *       (benchmarks/gpu/results-2026-11-26/speed-run3-*).</li>
     *   <li>{@code sync}: the register-staged wmma kernel for every operand, and no fused layer.</li>
     * </ul>
     */
    static final String KERNEL = System.getProperty("goldstone.tc.kernel", "mma");
    static final boolean MMA = !"sync".equals(KERNEL);
    /**
     * Whether the Jacobian epilogues ({@link #gemmNormActJacobian}, {@link #gemmNormActBackwardR}) are used
     * ({@code -Dgoldstone.tc.jacobian=false} turns them off, leaving the fused forward: the same-run comparison of
     * speed-check.sh).
     */
    static final boolean JACOBIAN = !"false".equals(System.getProperty("goldstone.tc.jacobian"));
    /** The mma kernels' dynamic shared memory: 3 slices of A and B, 32 x 136 or 128 x 36 floats each (tc_gemm.cu). */
    static final int MMA_SMEM_BYTES = 110592;
    /** The mma kernels' slice depth: split-K chunks are multiples of it. */
    private static final int MMA_DEPTH = 32;
    /** Split K only when each slice keeps at least this many k (a slice's fixed cost is its C tile). */
    private static final int MIN_CHUNK = 256;
    private final CudaBackend be;
    /** The split-K partials, reused by every call (one in-order stream), grown when a call needs more. */
    private DeviceBuffer workspace;

    TensorCoreGemm(CudaBackend be) {
        super(be.kernels());
        this.be = be;
    }

    /**
     * K slices for a GEMM of {@code tiles} C tiles: enough blocks to fill the device twice over, each slice at least
     * {@link #MIN_CHUNK} deep; 1 when the tiles alone fill it (the forward and data-gradient passes).
     */
    static int splits(long tiles, int kk, int multiprocessors) {
        long want = (2L * multiprocessors + tiles - 1) / tiles;
        return (int) Math.max(1, Math.min(want, kk / MIN_CHUNK));
    }

    /** C tiles of a {@code tile} x {@code tile} grid over an m x n result. */
    private static long tiles(int m, int n, int tile) {
        return (long) ((n + tile - 1) / tile) * ((m + tile - 1) / tile);
    }

    /**
     * The mma kernel for these operands ({@code tc_gemm_tf32_mma_<A><B>}), or null when a 16-byte chunk
     * along an operand's unit-stride dimension could be misaligned or straddle its end: the extent along it, the
     * other stride and the element offsets (view plus argument) must all be multiples of 4 floats.
     */
    static String mmaKernel(boolean transA, boolean transB, int m, int n, int kk, DeviceBuffer a, long aOff,
                            int lda, DeviceBuffer b, long bOff, int ldb) {
        long aAt = ((PooledBuffer<?>) a).offset() + aOff, bAt = ((PooledBuffer<?>) b).offset() + bOff;
        boolean ok = aAt % 4 == 0 && bAt % 4 == 0 && lda % 4 == 0 && ldb % 4 == 0 && kk % 4 == 0
                && (transA || m % 4 == 0) && (!transB || n % 4 == 0);
        if (!ok) {
            return null;
        }
        return "tc_gemm_tf32_mma_" + (transA ? "k" : "m") + (transB ? "n" : "k");
    }

    private DeviceBuffer workspace(long elements) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor-core GEMM: split-K workspace of " + elements
                    + " elements exceeds a buffer's 2^31 - 1");
        }
        if (workspace == null || workspace.length() < elements) {
            workspace = be.allocate(DType.F32, (int) elements);
        }
        return workspace;
    }

    /**
     * The fused forward of an O(k) layer ({@code tc_gemm_tf32_mma_act_*}): with the mma kernels (not with
     * {@code -Dgoldstone.tc.kernel=sync}), fp32, units of k columns with k dividing 128 (a tile holds whole units),
     * aligned operands and no split along K (the forward's C tiles fill the device); false otherwise.
     */
    @Override
    public boolean gemmNormAct(DType dt, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y,
                               DeviceBuffer z, Radial radial, int k) {
        String kernel = fusedKernel(dt, false, m, n, kk, a, b, k);
        if (kernel == null) {
            return false;
        }
        Launch l = fusedLaunch(kernel.replace("_mma_", "_mma_act_"), false, m, n, kk, a, b)
                .ptr(y, 0)                             // float* y
                .l(m)                                  // long ldy
                .ptr(z, 0);                            // float* z
        runFused(l, m, n, radial, k);
        return true;
    }

    /**
     * The norm nonlinearity's Jacobian in the GEMM's epilogue ({@code tc_gemm_tf32_mma_jac_*}; SCIENCE a.8, d.1):
     * under the same conditions as {@link #gemmNormAct}, with B not transposed and A as given (the data gradient's
     * W^T is {@code _jac_kk}, the forward R-pass's W is {@code _jac_mk}); false otherwise.
     */
    @Override
    public boolean gemmNormActJacobian(DType dt, boolean transA, int m, int n, int kk, DeviceBuffer a,
                                       DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                       DeviceBuffer out, Radial radial, int k) {
        String kernel = JACOBIAN ? fusedKernel(dt, transA, m, n, kk, a, b, k) : null;
        if (kernel == null) {
            return false;
        }
        Launch l = fusedLaunch(kernel.replace("_mma_", "_mma_jac_"), transA, m, n, kk, a, b)
                .d(beta);                              // double beta
        (c == null ? l.nullPtr() : l.ptr(c, 0))        // float* c: G, or null
                .l(m)                                  // long ldc (also y's and out's)
                .ptr(y, 0)                             // const float* y
                .ptr(out, 0);                          // float* out
        runFused(l, m, n, radial, k);
        return true;
    }

    /**
     * The HVP's backward through the nonlinearity below a layer in the epilogue ({@code tc_gemm_tf32_mma_jacr_kk};
     * SCIENCE d.1): the data-gradient GEMM (A transposed) under the conditions of {@link #gemmNormActJacobian};
     * false otherwise.
     */
    @Override
    public boolean gemmNormActBackwardR(DType dt, boolean transA, int m, int n, int kk, DeviceBuffer a,
                                        DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry,
                                        DeviceBuffer g, Radial radial, int k) {
        String kernel = JACOBIAN && transA ? fusedKernel(dt, true, m, n, kk, a, b, k) : null;
        if (kernel == null) {
            return false;
        }
        Launch l = fusedLaunch(kernel.replace("_mma_", "_mma_jacr_"), true, m, n, kk, a, b)
                .d(beta)                               // double beta
                .ptr(c, 0)                             // float* c: V^T G_Y in, R{G_y} out
                .l(m)                                  // long ldc (also y's, ry's and g's)
                .ptr(y, 0)                             // const float* y
                .ptr(ry, 0)                            // const float* ry
                .ptr(g, 0);                            // float* g: G_z in, G_y out
        runFused(l, m, n, radial, k);
        return true;
    }

    /**
     * A fused kernel's launch up to its B operand: m, n, kk, A (m x kk with ld m, or stored kk x m with ld kk when
     * {@code transA}) and B (kk x n, ld kk); the caller adds its own outputs and {@link #runFused} the rest.
     */
    private Launch fusedLaunch(String kernel, boolean transA, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b) {
        return be.kernel(kernel)
                .i(m)                                  // int m
                .i(n)                                  // int n
                .i(kk)                                 // int kk
                .ptr(a, 0)                             // const float* a
                .l(transA ? kk : 1)                    // long aRs
                .l(transA ? 1 : m)                     // long aCs
                .ptr(b, 0)                             // const float* b
                .l(1)                                  // long bRs
                .l(kk);                                // long bCs
    }

    /** The fused kernels' last arguments (unit width, radial profile and its constants), grid and shared memory. */
    private void runFused(Launch l, int m, int n, Radial radial, int k) {
        l.i(k)                                         // int uk
                .i(radial.profile().ordinal())         // int profile
                .d(radial.a())                         // double ca
                .d(radial.b())                         // double cb
                .blocks2((n + TILE - 1) / TILE, (m + TILE - 1) / TILE, THREADS)
                .shared(MMA_SMEM_BYTES)
                .run();
    }

    /**
     * The mma kernel a fused epilogue extends, or null when there is none: the mma kernels selected, fp32, units of
     * k columns with k dividing the 128-column tile (a tile holds whole units), aligned operands (B not transposed)
     * and no split along K.
     */
    private String fusedKernel(DType dt, boolean transA, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b,
                               int k) {
        String kernel = MMA && dt == DType.F32 && k >= 1 && TILE % k == 0
                ? mmaKernel(transA, false, m, n, kk, a, 0, transA ? kk : m, b, 0, kk) : null;
        return kernel == null || splits(tiles(m, n, TILE), kk, be.multiprocessors()) > 1 ? null : kernel;
    }

    @Override
    public boolean supports(DType dt) {
        return dt == DType.F32;
    }

    @Override
    public String variant() {
        return "tensor cores (TF32 inputs, fp32 accumulate; fp64 on the SIMT kernels)";
    }

    /** C = alpha op(A) op(B) + beta C, column-major views given as (buffer, element offset, leading dimension). */
    @Override
    public void gemm(DType dt, boolean transA, boolean transB, int m, int n, int kk, double alpha, DeviceBuffer a,
                     long aOff, int lda, DeviceBuffer b, long bOff, int ldb, double beta, DeviceBuffer c, long cOff,
                     int ldc) {
        if (dt != DType.F32) {
            throw new IllegalArgumentException("tensor-core GEMM: expected F32 operands, found " + dt);
        }
        if (m == 0 || n == 0) {
            return;
        }
        String kernel = MMA ? mmaKernel(transA, transB, m, n, kk, a, aOff, lda, b, bOff, ldb) : null;
        int depth = kernel != null ? MMA_DEPTH : DEPTH;
        int splits = splits(tiles(m, n, TILE), kk, be.multiprocessors());
        int chunk = ((kk + splits - 1) / splits + depth - 1) / depth * depth;
        splits = chunk == 0 ? 1 : (kk + chunk - 1) / chunk;
        DeviceBuffer ws = splits > 1 ? workspace((long) splits * m * n) : null;
        be.kernel(kernel == null ? "tc_gemm_tf32" : kernel)
                .i(m)                                  // int m
                .i(n)                                  // int n
                .i(kk)                                 // int kk
                .i(splits > 1 ? chunk : kk)            // int kChunk: K range of one z-slice
                .ptr(a, aOff)                          // const float* a
                .l(transA ? lda : 1)                   // long aRs: A(i, p) at i*aRs + p*aCs
                .l(transA ? 1 : lda)                   // long aCs
                .ptr(b, bOff)                          // const float* b
                .l(transB ? ldb : 1)                   // long bRs: B(p, j) at p*bRs + j*bCs
                .l(transB ? 1 : ldb)                   // long bCs
                .d(splits > 1 ? 1.0 : alpha)           // double alpha
                .d(splits > 1 ? 0.0 : beta)            // double beta
                .ptr(splits > 1 ? ws : c, splits > 1 ? 0 : cOff)   // float* c (the partials with splits)
                .l(1)                                  // long cRs
                .l(splits > 1 ? m : ldc)               // long cCs
                .l((long) m * n)                       // long cSplit: partial z at c + z*cSplit
                .blocks2((n + TILE - 1) / TILE, (m + TILE - 1) / TILE, THREADS)
                .gridZ(splits)
                .shared(kernel != null ? MMA_SMEM_BYTES : 0)
                .run();
        if (splits > 1) {
            be.kernel("tc_gemm_reduce")
                    .i(m)                              // int m
                    .i(n)                              // int n
                    .i(splits)                         // int splits
                    .ptr(ws, 0)                        // const float* ws
                    .d(alpha)                          // double alpha
                    .d(beta)                           // double beta
                    .ptr(c, cOff)                      // float* c
                    .l(1)                              // long cRs
                    .l(ldc)                            // long cCs
                    .over((long) m * n, THREADS)
                    .run();
        }
    }
}
