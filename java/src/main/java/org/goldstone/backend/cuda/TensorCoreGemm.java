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
     *   <li>{@code wgmma}: on compute capability 9.0 (H100, H200), Hopper's warpgroup MMA
     *       ({@code kernels/cuda/hopper/tc_wgmma.cu}, an sm_90a module of its own) wherever B is K-major (not
     *       transposed) and aligned, the fused epilogues included; A is copied K-major first when it is not
     *       ({@code tc_gemm_transpose}: the forward's weight, only for n >= 128, where the copy is at most 1/128 of the
     *       GEMM's reads). The mma kernels serve the rest (the weight gradient) and every other device. Written
     *       without a GPU on 2026-11-26: not yet run; the parity suites check it when run with this option.</li>
     *   <li>{@code sync}: the register-staged wmma kernel for every operand, and no fused layer.</li>
     * </ul>
     */
    static final String KERNEL = System.getProperty("goldstone.tc.kernel", "mma");
    static final boolean MMA = !"sync".equals(KERNEL);
    static final boolean WGMMA = "wgmma".equals(KERNEL);
    /** The wgmma kernels' dynamic shared memory: 4 slices of A and B, 128 x 32 floats each, and 1 KB of alignment. */
    static final int WGMMA_SMEM_BYTES = 132096;
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
    /** The K-major copy of an A operand for the wgmma kernels, reused the same way. */
    private DeviceBuffer kMajor;
    /** Whether the wgmma kernels run here (null until first asked), and if not, why. */
    private Boolean hopper;
    private String hopperNote = "";

    TensorCoreGemm(CudaBackend be) {
        super(be.kernels());
        this.be = be;
        if (WGMMA) {
            hopper();                                  // decided now, so that the backend's description says it
        }
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
        workspace = grown(workspace, elements, "split-K workspace");
        return workspace;
    }

    /** {@code b}, or a new fp32 buffer of {@code elements} when b is null or shorter. */
    private DeviceBuffer grown(DeviceBuffer b, long elements, String what) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor-core GEMM: " + what + " of " + elements
                    + " elements exceeds a buffer's 2^31 - 1");
        }
        return b != null && b.length() >= elements ? b : be.allocate(DType.F32, (int) elements);
    }

    /**
     * Whether the wgmma kernels run here: asked for ({@code -Dgoldstone.tc.kernel=wgmma}), compute capability 9.0,
     * and the sm_90a module loads; decided on first call, with the reason kept for {@link #variant()}.
     */
    private boolean hopper() {
        if (hopper == null) {
            String problem = !WGMMA ? "not asked for" : be.computeCapability() != 90
                    ? "compute capability " + be.computeCapability() / 10 + "." + be.computeCapability() % 10
                    + " (wgmma needs 9.0)" : be.hopperProblem();
            hopper = problem.isEmpty();
            hopperNote = hopper ? "wgmma kernels" : WGMMA ? "wgmma unavailable: " + problem : "";
        }
        return hopper;
    }

    /**
     * How one GEMM runs: the kernel, A as the kernel reads it (buffer, element offset, A(i, p) at i*aRs + p*aCs:
     * for wgmma a K-major copy when the caller's A is not), the slice depth split-K chunks are multiples of, and the
     * block's dynamic shared memory.
     */
    record Plan(String kernel, DeviceBuffer a, long aOff, long aRs, long aCs, int depth, int smem) {
        /** The fused kernel of this plan with epilogue {@code epi} (act, jac or jacr). */
        String fused(String epi) {
            return kernel.startsWith(CudaModule.HOPPER_PREFIX) ? kernel + "_" + epi
                    : kernel.replace("_mma_", "_mma_" + epi + "_");
        }
    }

    /**
     * The plan for these operands: wgmma where {@link #hopper()} and B is K-major and 16-byte aligned (A copied
     * K-major by {@code tc_gemm_transpose} when it is not, for n >= 128 only); else the mma kernel where
     * {@link #mmaKernel} has one; else the register-staged wmma kernel.
     */
    private Plan plan(boolean transA, boolean transB, int m, int n, int kk, DeviceBuffer a, long aOff, int lda,
                      DeviceBuffer b, long bOff, int ldb) {
        long aAt = ((PooledBuffer<?>) a).offset() + aOff, bAt = ((PooledBuffer<?>) b).offset() + bOff;
        boolean wgmma = WGMMA && !transB && kk % 4 == 0 && ldb % 4 == 0 && bAt % 4 == 0
                && (transA ? lda % 4 == 0 && aAt % 4 == 0 : n >= TILE) && hopper();
        if (wgmma && transA) {
            return new Plan(CudaModule.HOPPER_PREFIX, a, aOff, lda, 1, MMA_DEPTH, WGMMA_SMEM_BYTES);
        }
        if (wgmma) {                                   // A(i, p) at i + p*lda: its K-major copy, A(i, p) at i*kk + p
            kMajor = grown(kMajor, (long) m * kk, "K-major copy of A");
            be.kernel("tc_gemm_transpose")
                    .i(m)                              // int rows
                    .i(kk)                             // int cols
                    .ptr(a, aOff)                      // const float* a
                    .l(lda)                            // long lda
                    .ptr(kMajor, 0)                    // float* out
                    .blocks2((kk + 31) / 32, (m + 31) / 32, THREADS)
                    .run();
            return new Plan(CudaModule.HOPPER_PREFIX, kMajor, 0, kk, 1, MMA_DEPTH, WGMMA_SMEM_BYTES);
        }
        String mma = MMA ? mmaKernel(transA, transB, m, n, kk, a, aOff, lda, b, bOff, ldb) : null;
        return new Plan(mma == null ? "tc_gemm_tf32" : mma, a, aOff, transA ? lda : 1, transA ? 1 : lda,
                mma == null ? DEPTH : MMA_DEPTH, mma == null ? 0 : MMA_SMEM_BYTES);
    }

    /**
     * The fused forward of an O(k) layer ({@code tc_gemm_tf32_mma_act_*}): with the mma kernels (not with
     * {@code -Dgoldstone.tc.kernel=sync}), fp32, units of k columns with k dividing 128 (a tile holds whole units),
     * aligned operands and no split along K (the forward's C tiles fill the device); false otherwise.
     */
    @Override
    public boolean gemmNormAct(DType dt, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y,
                               DeviceBuffer z, Radial radial, int k) {
        Plan p = fusedPlan(dt, false, false, m, n, kk, a, b, k);
        if (p == null) {
            return false;
        }
        Launch l = fusedLaunch(p, "act", m, n, kk, b)
                .ptr(y, 0)                             // float* y
                .l(m)                                  // long ldy
                .ptr(z, 0);                            // float* z
        runFused(l, p, m, n, radial, k);
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
        Plan p = fusedPlan(dt, true, transA, m, n, kk, a, b, k);
        if (p == null) {
            return false;
        }
        Launch l = fusedLaunch(p, "jac", m, n, kk, b)
                .d(beta);                              // double beta
        (c == null ? l.nullPtr() : l.ptr(c, 0))        // float* c: G, or null
                .l(m)                                  // long ldc (also y's and out's)
                .ptr(y, 0)                             // const float* y
                .ptr(out, 0);                          // float* out
        runFused(l, p, m, n, radial, k);
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
        Plan p = transA ? fusedPlan(dt, true, true, m, n, kk, a, b, k) : null;
        if (p == null) {
            return false;
        }
        Launch l = fusedLaunch(p, "jacr", m, n, kk, b)
                .d(beta)                               // double beta
                .ptr(c, 0)                             // float* c: V^T G_Y in, R{G_y} out
                .l(m)                                  // long ldc (also y's, ry's and g's)
                .ptr(y, 0)                             // const float* y
                .ptr(ry, 0)                            // const float* ry
                .ptr(g, 0);                            // float* g: G_z in, G_y out
        runFused(l, p, m, n, radial, k);
        return true;
    }

    /**
     * A fused kernel's launch up to its B operand: m, n, kk, A as the plan reads it and B (kk x n, ld kk); the caller
     * adds its own outputs and {@link #runFused} the rest.
     */
    private Launch fusedLaunch(Plan p, String epi, int m, int n, int kk, DeviceBuffer b) {
        return be.kernel(p.fused(epi))
                .i(m)                                  // int m
                .i(n)                                  // int n
                .i(kk)                                 // int kk
                .ptr(p.a(), p.aOff())                  // const float* a
                .l(p.aRs())                            // long aRs
                .l(p.aCs())                            // long aCs
                .ptr(b, 0)                             // const float* b
                .l(1)                                  // long bRs
                .l(kk);                                // long bCs
    }

    /** The fused kernels' last arguments (unit width, radial profile and its constants), grid and shared memory. */
    private void runFused(Launch l, Plan p, int m, int n, Radial radial, int k) {
        l.i(k)                                         // int uk
                .i(radial.profile().ordinal())         // int profile
                .d(radial.a())                         // double ca
                .d(radial.b())                         // double cb
                .blocks2((n + TILE - 1) / TILE, (m + TILE - 1) / TILE, THREADS)
                .shared(p.smem())
                .run();
    }

    /**
     * The plan of a fused epilogue (the forward's, or with {@code derivatives} a backward or R-pass one), or null
     * when there is none: {@link #fusesEpilogues}, units of k columns with k dividing the 128-column tile (a tile
     * holds whole units) or {@link #ROW_PAIRS} (m even), B not transposed, A (m x kk, ld m, or stored kk x m, ld kk
     * when transA) aligned for the mma or wgmma kernel, and no split along K.
     */
    private Plan fusedPlan(DType dt, boolean derivatives, boolean transA, int m, int n, int kk, DeviceBuffer a,
                           DeviceBuffer b, int k) {
        boolean units = k == ROW_PAIRS ? m % 2 == 0 : k >= 1 && TILE % k == 0;
        if (!fusesEpilogues(dt, derivatives) || !units || splits(tiles(m, n, TILE), kk, be.multiprocessors()) > 1) {
            return null;
        }
        Plan p = plan(transA, false, m, n, kk, a, 0, transA ? kk : m, b, 0, kk);
        return p.smem() == 0 ? null : p;               // the register-staged kernel has no fused instance
    }

    @Override
    public boolean supports(DType dt) {
        return dt == DType.F32;
    }

    /** fp32 with the mma (or wgmma) kernels; the derivative epilogues unless -Dgoldstone.tc.jacobian=false. */
    @Override
    public boolean fusesEpilogues(DType dt, boolean derivatives) {
        return MMA && dt == DType.F32 && (JACOBIAN || !derivatives);
    }

    @Override
    public String variant() {
        return "tensor cores (TF32 inputs, fp32 accumulate; fp64 on the SIMT kernels"
                + (hopperNote.isEmpty() ? "" : "; " + hopperNote) + ")";
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
        Plan p = plan(transA, transB, m, n, kk, a, aOff, lda, b, bOff, ldb);
        int splits = splits(tiles(m, n, TILE), kk, be.multiprocessors());
        int chunk = ((kk + splits - 1) / splits + p.depth() - 1) / p.depth() * p.depth();
        splits = chunk == 0 ? 1 : (kk + chunk - 1) / chunk;
        DeviceBuffer ws = splits > 1 ? workspace((long) splits * m * n) : null;
        be.kernel(p.kernel())
                .i(m)                                  // int m
                .i(n)                                  // int n
                .i(kk)                                 // int kk
                .i(splits > 1 ? chunk : kk)            // int kChunk: K range of one z-slice
                .ptr(p.a(), p.aOff())                  // const float* a
                .l(p.aRs())                            // long aRs: A(i, p) at i*aRs + p*aCs
                .l(p.aCs())                            // long aCs
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
                .shared(p.smem())
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
