package org.goldstone.backend.cuda;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.device.PooledBuffer;
import org.goldstone.backend.device.RealGemmProvider;
import org.goldstone.tensor.DType;

/**
 * The engine's own tensor-core GEMM ({@code --gemm tf32}, backend "cuda+tf32"): fp32 storage, TF32 inputs, fp32
 * accumulation, kernel {@code tc_gemm_tf32} of {@code kernels/cuda/tc_gemm.cu} (128 x 128 tiles, wmma m16n16k8),
 * split along K into a pooled workspace when the C tiles alone cannot fill the device (the weight gradient: m x n
 * small, K = batch), the slices then summed in order by {@code tc_gemm_reduce} (deterministic, no atomics).
 * Only fp32 GEMMs run here; fp64 stays on the exact SIMT kernels of {@code equiv_linear}. Needs compute capability
 * 8.0 or newer (the fatbin carries sm_80 and sm_90 code and compute_90 PTX).
 */
final class TensorCoreGemm extends RealGemmProvider {
    private static final int TILE = 128, THREADS = 256, DEPTH = 16;
    /**
     * Default {@code async}: operands with 16-byte-aligned unit-stride rows go to the cp.async variants
     * (double-buffered asynchronous copies; on the H200 209 us against 254 us for a 1024 x 4096 x 1024 GEMM, and
     * the equiv_linear parity suite passed with them); {@code -Dgoldstone.tc.kernel=sync} sends every operand to the
     * register-staged kernel, which serves the other operands in any case; {@code wide} selects the 4-warp variant
     * of the cp.async kernel ({@link #WIDE}).
     */
    static final boolean ASYNC = !"sync".equals(System.getProperty("goldstone.tc.kernel", "async"));
    /**
     * {@code -Dgoldstone.tc.kernel=wide}: the cp.async kernel with 4 warps of 64 x 64 per 128 x 128 tile instead of 8
     * of 64 x 32 (twice the multiply-adds per fragment load, 246-254 registers). Not yet run on a GPU, hence opt-in.
     */
    static final boolean WIDE = "wide".equals(System.getProperty("goldstone.tc.kernel", "async"));
    /**
     * {@code -Dgoldstone.tc.small=true}: a cp.async GEMM whose 128 x 128 tiles are fewer than the SMs runs with
     * 64 x 64 tiles (128 threads) instead. Not yet run on a GPU, hence opt-in.
     */
    static final boolean SMALL = Boolean.getBoolean("goldstone.tc.small");
    /** Split K only when each slice keeps at least this many k (a slice's fixed cost is its C tile). */
    private static final int MIN_CHUNK = 256;
    private final CudaBackend be;
    /** The split-K partials, reused by every call (one in-order stream), grown when a call needs more. */
    private DeviceBuffer workspace;

    TensorCoreGemm(CudaBackend be) {
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
     * The cp.async variant for these operands ({@code tc_gemm_tf32_async_<A><B>}), or null when a 16-byte chunk
     * along an operand's unit-stride dimension could be misaligned or straddle its end: the extent along it, the
     * other stride and the element offsets (view plus argument) must all be multiples of 4 floats.
     */
    static String asyncKernel(boolean transA, boolean transB, int m, int n, int kk, DeviceBuffer a, long aOff,
                              int lda, DeviceBuffer b, long bOff, int ldb) {
        long aAt = ((PooledBuffer<?>) a).offset() + aOff, bAt = ((PooledBuffer<?>) b).offset() + bOff;
        boolean ok = aAt % 4 == 0 && bAt % 4 == 0 && lda % 4 == 0 && ldb % 4 == 0 && kk % 4 == 0
                && (transA || m % 4 == 0) && (!transB || n % 4 == 0);
        if (!ok) {
            return null;
        }
        return "tc_gemm_tf32_async_" + (transA ? "k" : "m") + (transB ? "n" : "k");
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
        String kernel = ASYNC ? asyncKernel(transA, transB, m, n, kk, a, aOff, lda, b, bOff, ldb) : null;
        int tile = TILE, threads = 2 * TILE;
        if (kernel != null && SMALL && tiles(m, n, TILE) < be.multiprocessors()) {
            kernel += "_64";                               // 4x the blocks where 128-tiles leave SMs idle
            tile = TILE / 2;
            threads = 2 * tile;
        } else if (kernel != null && WIDE) {
            kernel += "_w4";                               // 4 warps of 64 x 64
            threads = TILE;
        }
        int splits = splits(tiles(m, n, tile), kk, be.multiprocessors());
        int chunk = ((kk + splits - 1) / splits + DEPTH - 1) / DEPTH * DEPTH;
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
                .blocks2((n + tile - 1) / tile, (m + tile - 1) / tile, threads)
                .gridZ(splits)
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
