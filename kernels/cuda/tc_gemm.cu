// tc_gemm.cu: the equivariant matmul's GEMM on tensor cores, CUDA only (OpenCL has no tensor cores): fp32 storage,
// TF32 inputs (10-bit mantissa, rounded to nearest by wmma::__float_to_tf32), fp32 accumulation. Selected with
// --gemm tf32 (backend "cuda+tf32"); the exact fp32/fp64 path stays the SIMT kernel of equiv_linear.cl.
//
//   C(i, j) = alpha sum_p A(i, p) B(p, j) + beta C(i, j)    (beta == 0: C is not read)
//   A(i, p) at a[i*aRs + p*aCs],  B(p, j) at b[p*bRs + j*bCs],  C(i, j) at c[i*cRs + j*cCs]
//
// The strides are those of equiv_linear_gemm, so transposes, planar complex weights and the k = 2 unit layout of
// U(1) activations are all one kernel. Launch: a ceil(n/128) x ceil(m/128) x splits grid of 256-thread blocks (8 warps);
// with splits > 1 (few tiles, long K: the weight gradient) each z-slice of blocks sums its own K range into a partial
// C of the workspace and tc_gemm_reduce adds them in order.
// Two kernels: tc_gemm_tf32_mma_<A><B> (below: mma.sync with multistage cp.async) for operands whose unit-stride rows
// are 16-byte aligned, the default; tc_gemm_tf32 (next), register-staged wmma, for any strides. The mma kernel also
// has fused instances (the norm nonlinearity or its derivatives in the epilogue). CPU twin: CpuEquivLinear.gemm (the
// parity tests allow TF32 rounding: EquivLinearParityTest.TF32).
#include <mma.h>
#include "../common/portable.h"
#include "../common/radial.h"
#include "tc_epilogue.h"

namespace gs_tc_gemm {
constexpr int BM = 128, BN = 128, BK = 16, PAD = 8;
constexpr int THREADS = 256;
constexpr int PER_THREAD = BM * BK / THREADS;       // 8 elements of A and 8 of B per thread and slice
using Acc = nvcuda::wmma::fragment<nvcuda::wmma::accumulator, 16, 16, 8, float>;

/** Zeroes a warp's FX x FY accumulators. */
template <int FX, int FY>
__device__ __forceinline__ void zero(Acc (&acc)[FX][FY]) {
#pragma unroll
    for (int x = 0; x < FX; x++) {
#pragma unroll
        for (int y = 0; y < FY; y++) {
            nvcuda::wmma::fill_fragment(acc[x][y], 0.0f);
        }
    }
}

/**
 * The epilogue of the kernels: each 16 x 16 accumulator of the warp's (16 FX) x (16 FY) sub-tile (rows wm*16*FX,
 * columns wn*16*FY of the block's tile at i0, j0) through the warp's 256-float staging tile, column-major so that consecutive
 * lanes write consecutive rows (coalesced for the engine's column-major C); C = al acc + be C (be == 0: not read).
 */
template <int FX, int FY>
__device__ __forceinline__ void store_tile(Acc (&acc)[FX][FY], float* stage, int lane, int i0, int j0, int wm, int wn,
                                           int m, int n, float* __restrict__ c, long cRs, long cCs, float al,
                                           float be) {
#pragma unroll
    for (int x = 0; x < FX; x++) {
#pragma unroll
        for (int y = 0; y < FY; y++) {
            nvcuda::wmma::store_matrix_sync(stage, acc[x][y], 16, nvcuda::wmma::mem_col_major);
            __syncwarp();
            for (int t = lane; t < 256; t += 32) {
                int r = t % 16, col = t / 16;
                int gi = i0 + wm * FX * 16 + x * 16 + r, gj = j0 + wn * FY * 16 + y * 16 + col;
                if (gi < m && gj < n) {
                    float* p = c + gi * cRs + gj * cCs;
                    float v = al * stage[t];
                    *p = be == 0.0f ? v : v + be * *p;
                }
            }
            __syncwarp();
        }
    }
}
}  // namespace gs_tc_gemm

// tc_gemm_tf32: any strides. Each block computes a 128 x 128 tile of C in 16-deep slices of A and B: the slice is read
// from global memory into registers while the tensor cores work on the previous one (software pipelining), then
// stored to shared memory as TF32. Each warp owns a 64 x 32 sub-tile, 4 x 2 wmma m16n16k8 accumulators.
extern "C" __global__ void __launch_bounds__(256)
tc_gemm_tf32(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs, long aCs,
             const float* __restrict__ b, long bRs, long bCs, double alpha, double beta, float* __restrict__ c,
             long cRs, long cCs, long cSplit) {
    using namespace nvcuda;
    using namespace gs_tc_gemm;
    __shared__ __align__(32) float As[BK][BM + PAD];    // A(i, p) at As[p][i]: column-major m x k, ld BM + PAD
    __shared__ __align__(32) float Bs[BK][BN + PAD];    // B(p, j) at Bs[p][j]: row-major k x n, ld BN + PAD
    __shared__ __align__(32) float Cs[THREADS / 32][16 * 16];   // per-warp staging for the epilogue

    const int tid = threadIdx.y * blockDim.x + threadIdx.x;
    const int warp = tid / 32, lane = tid % 32;
    const int wm = warp % 2, wn = warp / 2;             // warp sub-tile: rows wm*64 .. +64, columns wn*32 .. +32
    const int i0 = blockIdx.y * BM, j0 = blockIdx.x * BN;
    // split K: block z sums p in [kBegin, kEnd) and writes its partial C at c + z*cSplit
    const int kBegin = blockIdx.z * kChunk, kEnd = min(kk, kBegin + kChunk);
    c += blockIdx.z * cSplit;
    // coalesced slice loads: walk the operand along its unit stride
    const bool aRowsFast = aRs == 1, bColsFast = bCs == 1;

    Acc acc[4][2];
    zero(acc);

    float ra[PER_THREAD], rb[PER_THREAD];
    auto load = [&](int k0) {
#pragma unroll
        for (int r = 0; r < PER_THREAD; r++) {
            int e = tid + r * THREADS;
            int ii = aRowsFast ? e % BM : e / BK, pa = aRowsFast ? e / BM : e % BK;
            int gi = i0 + ii, gp = k0 + pa;
            ra[r] = gi < m && gp < kEnd ? a[gi * aRs + gp * aCs] : 0.0f;
            int jj = bColsFast ? e % BN : e / BK, pb = bColsFast ? e / BN : e % BK;
            int gj = j0 + jj, gq = k0 + pb;
            rb[r] = gj < n && gq < kEnd ? b[gq * bRs + gj * bCs] : 0.0f;
        }
    };
    auto store = [&]() {
#pragma unroll
        for (int r = 0; r < PER_THREAD; r++) {
            int e = tid + r * THREADS;
            int ii = aRowsFast ? e % BM : e / BK, pa = aRowsFast ? e / BM : e % BK;
            As[pa][ii] = wmma::__float_to_tf32(ra[r]);
            int jj = bColsFast ? e % BN : e / BK, pb = bColsFast ? e / BN : e % BK;
            Bs[pb][jj] = wmma::__float_to_tf32(rb[r]);
        }
    };

    load(kBegin);
    for (int k0 = kBegin; k0 < kEnd; k0 += BK) {
        store();
        __syncthreads();
        if (k0 + BK < kEnd) {
            load(k0 + BK);                              // in flight while the tensor cores run
        }
#pragma unroll
        for (int ks = 0; ks < BK; ks += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::col_major> fa[4];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
#pragma unroll
            for (int x = 0; x < 4; x++) {
                wmma::load_matrix_sync(fa[x], &As[ks][wm * 64 + x * 16], BM + PAD);
            }
#pragma unroll
            for (int y = 0; y < 2; y++) {
                wmma::load_matrix_sync(fb[y], &Bs[ks][wn * 32 + y * 16], BN + PAD);
            }
#pragma unroll
            for (int x = 0; x < 4; x++) {
#pragma unroll
                for (int y = 0; y < 2; y++) {
                    wmma::mma_sync(acc[x][y], fa[x], fb[y], acc[x][y]);
                }
            }
        }
        __syncthreads();
    }

    store_tile(acc, Cs[warp], lane, i0, j0, wm, wn, m, n, c, cRs, cCs, (float) alpha, (float) beta);
}

// The split-K sum: C(i, j) = alpha sum_z P_z(i, j) + beta C(i, j), the splits added in index order (deterministic);
// P_z is column-major m x n at ws + z*m*n. Grid-stride over the m*n elements.
extern "C" __global__ void tc_gemm_reduce(int m, int n, int splits, const float* __restrict__ ws, double alpha,
                                          double beta, float* __restrict__ c, long cRs, long cCs) {
    const long mn = (long) m * n;
    const float al = (float) alpha, be = (float) beta;
    for (long e = blockIdx.x * (long) blockDim.x + threadIdx.x; e < mn; e += (long) gridDim.x * blockDim.x) {
        float s = 0.0f;
        for (int z = 0; z < splits; z++) {
            s += ws[z * mn + e];
        }
        long i = e % m, j = e / m;
        float* p = c + i * cRs + j * cCs;
        float v = al * s;
        *p = be == 0.0f ? v : v + be * *p;
    }
}


// ---------------------------------------------------------------------------------------------------------------
// tc_gemm_tf32_mma_<A><B>: the default tensor-core GEMM, for unit-stride operands, written against the tensor cores'
// own instruction: mma.sync m16n8k8 (TF32 inputs rounded to nearest by cvt.rna.tf32.f32 as each fragment is loaded,
// fp32 accumulation), 128 x 128 tiles of 8 warps (64 x 32 each), 32-deep slices copied global -> shared by cp.async
// (16-byte chunks, no register staging), three slices in flight (one __syncthreads per slice), and shared-memory
// rows padded so that every fragment load is free of bank conflicts (m- or n-fast rows of 136 floats: lanes hit banks
// 8t + g; k-fast rows of 36: banks 4g + t). The accumulators go straight from registers to C (no staging tile); the
// fused epilogues (norm nonlinearity, its Jacobian, the HVP's backward through it) stage the tile in shared memory.
// <A> is m when A(i, p) is contiguous along i (A not transposed) and k when along p; <B> is n when B(p, j) is
// contiguous along j and k when along p. The host uses it where the fast dimension's extent, the other stride and
// both offsets are multiples of 4 floats (16 bytes) and split-K slices are multiples of 32; otherwise tc_gemm_tf32.
// Same arguments and grid as tc_gemm_tf32; the block's dynamic shared memory (3 slices of A and B, MMA_SMEM_BYTES) is
// set by the host, which raises the kernel's limit above 48 KB (two blocks fit an SM of an H100).
// Measured: H100 (driver 580.159.04), 2026-11-26: 1024 x 4096 x 1024 in 122 us (70 TFLOP/s) against 210 us for the
// wmma cp.async kernel it replaced and 47 us for cuBLAS TF32; parity suites passed (speed-run3-check.txt). The fused
// epilogues were rewritten after that run (shared-memory staging, the derivative modes) and have not run on a GPU;
// native/epilogue_check.cu checks their per-unit code on the host.
namespace gs_tc_gemm {
constexpr int MMA_T = 128, MMA_BK = 32, MMA_STAGES = 3;
constexpr int MMA_LDW = MMA_T + 8;                    // m- or n-fast rows
constexpr int MMA_LDK = MMA_BK + 4;                   // k-fast rows
constexpr int MMA_OPER = MMA_BK * MMA_LDW > MMA_T * MMA_LDK ? MMA_BK * MMA_LDW : MMA_T * MMA_LDK;
constexpr int MMA_SMEM_BYTES = MMA_STAGES * 2 * MMA_OPER * 4;
static_assert(MMA_SMEM_BYTES == 110592, "the host's TensorCoreGemm.MMA_SMEM_BYTES");

__device__ __forceinline__ void cp_async16(float* smem, const float* gmem, bool valid) {
    unsigned s = (unsigned) __cvta_generic_to_shared(smem);
    int bytes = valid ? 16 : 0;                       // 0: zero-fill, nothing is read
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(bytes));
}

__device__ __forceinline__ void cp_async_commit() {
    asm volatile("cp.async.commit_group;\n" ::);
}

__device__ __forceinline__ unsigned tf32_bits(float x) {
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
    return r;
}

/** d += a b for one m16n8k8 TF32 tile: a row-major 16 x 8 (4 registers), b column-major 8 x 8 (2 registers). */
__device__ __forceinline__ void mma_tf32(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

/*
 * The epilogue modes (EPI_*, tc_epilogue.h), each a pass of the engine:
 *   PLAIN  C = alpha acc + beta C, straight from the registers.
 *   ACT    the fused equivariant layer's forward (SCIENCE a.3): C = Y = op(A) op(B) (alpha 1, beta 0, no split, C
 *          column-major) and Z = h(|y|^2) y per unit, where a unit is uk consecutive columns of one row (the unit
 *          layout of an O(k) level: Y is channels x batch*k), uk dividing the 128-column tile so that a unit lies in
 *          one tile; q and h in double as in norm_act_fwd.
 *   JAC    the norm nonlinearity's Jacobian at y applied to the GEMM's result (SCIENCE a.8, d.1): with G = alpha
 *          op(A) op(B) + beta C, out (z) = J(y) G = h(q) G + 2 h'(q) (y . G) y per unit, q = |y|^2, y (yin) read at
 *          C's positions; G also goes to C when c is not null. It serves two passes: the data gradient through the
 *          nonlinearity below a layer (G = W^T G_Y, out = G_y of the level below; norm_act_bwd) and the forward
 *          R-pass (G = V Z + W R{Z} = R{y}, kept in C, and out = R{z}; NormAct.forwardR). Sums, h, h' and the
 *          combination in double, in norm_act_bwd's order (h G + c y, c = 2 h' (y . G)).
 *   JACR   the Hessian-vector product's backward pass through the nonlinearity below a layer (SCIENCE d.1;
 *          norm_act_bwdrop), in place: with R = alpha op(A) op(B) + beta C (R{G_z} = V^T G_Y + W^T R{G_Y}; C holds
 *          V^T G_Y) and G = G_z read from z, writes R{G_y} = h R + c_y y + 2 h' (y.w) G + 2 h' (y.G) w over C and
 *          G_y = h G + 2 h' (y.G) y over z, where w = R{y} (ryin), c_y = 2 h' (y.R) + 4 h'' (y.w)(y.G) + 2 h' (w.G);
 *          five sums per unit, in norm_act_bwdrop's operation order.
 */
template <bool AM, bool BNF, int EPI>
__device__ __forceinline__ void tc_mma(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs,
                                       long aCs, const float* __restrict__ b, long bRs, long bCs, double alpha,
                                       double beta, float* __restrict__ c, long cRs, long cCs, long cSplit,
                                       float* __restrict__ z, const float* __restrict__ yin,
                                       const float* __restrict__ ryin, int uk, int profile, double ca, double cb) {
    constexpr int T = MMA_T, BK = MMA_BK, S = MMA_STAGES, LDW = MMA_LDW, LDK = MMA_LDK;
    constexpr int W = 8, NT = 32 * W;                 // warps, threads
    constexpr int WN = 2 * T / W;                     // warp columns (32); warp rows 64
    constexpr int FX = 4, FY = WN / 8;                // m16 and n8 tiles per warp
    constexpr int PER = T * BK / 4 / NT;              // 16-byte chunks per thread per operand and slice
    extern __shared__ __align__(128) float smem[];   // [stage][A, B][MMA_OPER]
    const int tid = threadIdx.x;
    const int warp = tid / 32, lane = tid % 32, g = lane / 4, t4 = lane % 4;
    const int wm = warp % 2, wn = warp / 2;
    const int i0 = blockIdx.y * T, j0 = blockIdx.x * T;
    const int kBegin = blockIdx.z * kChunk, kEnd = min(kk, kBegin + kChunk);
    c += blockIdx.z * cSplit;

    auto issue = [&](int stage, int k0) {
        float* As = smem + stage * 2 * MMA_OPER;
        float* Bs = As + MMA_OPER;
#pragma unroll
        for (int r = 0; r < PER; r++) {
            int ch = tid + r * NT;
            if (AM) {                                 // As[p][i]: T/4 chunks per p
                int p = ch / (T / 4), i = (ch % (T / 4)) * 4;
                bool ok = i0 + i < m && k0 + p < kEnd;
                cp_async16(&As[p * LDW + i], ok ? a + (i0 + i) + (long) (k0 + p) * aCs : a, ok);
            } else {                                  // As[i][p]: BK/4 chunks per i
                int i = ch / (BK / 4), p = (ch % (BK / 4)) * 4;
                bool ok = i0 + i < m && k0 + p < kEnd;
                cp_async16(&As[i * LDK + p], ok ? a + (long) (i0 + i) * aRs + (k0 + p) : a, ok);
            }
            if (BNF) {                                // Bs[p][j]
                int p = ch / (T / 4), j = (ch % (T / 4)) * 4;
                bool ok = j0 + j < n && k0 + p < kEnd;
                cp_async16(&Bs[p * LDW + j], ok ? b + (long) (k0 + p) * bRs + (j0 + j) : b, ok);
            } else {                                  // Bs[j][p]
                int j = ch / (BK / 4), p = (ch % (BK / 4)) * 4;
                bool ok = j0 + j < n && k0 + p < kEnd;
                cp_async16(&Bs[j * LDK + p], ok ? b + (k0 + p) + (long) (j0 + j) * bCs : b, ok);
            }
        }
    };

    float acc[FX][FY][4];
#pragma unroll
    for (int x = 0; x < FX; x++) {
#pragma unroll
        for (int y = 0; y < FY; y++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                acc[x][y][e] = 0.0f;
            }
        }
    }
    const int slices = kEnd > kBegin ? (kEnd - kBegin + BK - 1) / BK : 0;
#pragma unroll
    for (int s = 0; s < S - 1; s++) {                 // prologue: slices 0 .. S-2 in flight
        if (s < slices) {
            issue(s, kBegin + s * BK);
        }
        cp_async_commit();
    }
    for (int t = 0; t < slices; t++) {
        cp_async_wait<S - 2>();                       // slice t has landed
        __syncthreads();                              // ... for every thread; slice t - 1's stage is free again
        if (t + S - 1 < slices) {
            issue((t + S - 1) % S, kBegin + (t + S - 1) * BK);
        }
        cp_async_commit();
        const float* As = smem + (t % S) * 2 * MMA_OPER;
        const float* Bs = As + MMA_OPER;
#pragma unroll
        for (int ks = 0; ks < BK; ks += 8) {
            unsigned fa[FX][4], fb[FY][2];
#pragma unroll
            for (int x = 0; x < FX; x++) {
                int i = wm * 64 + x * 16 + g;         // rows i and i + 8, columns ks + t4 and ks + t4 + 4
                int p = ks + t4;
                fa[x][0] = tf32_bits(AM ? As[p * LDW + i] : As[i * LDK + p]);
                fa[x][1] = tf32_bits(AM ? As[p * LDW + i + 8] : As[(i + 8) * LDK + p]);
                fa[x][2] = tf32_bits(AM ? As[(p + 4) * LDW + i] : As[i * LDK + p + 4]);
                fa[x][3] = tf32_bits(AM ? As[(p + 4) * LDW + i + 8] : As[(i + 8) * LDK + p + 4]);
            }
#pragma unroll
            for (int y = 0; y < FY; y++) {
                int j = wn * WN + y * 8 + g;          // column j, rows ks + t4 and ks + t4 + 4
                int p = ks + t4;
                fb[y][0] = tf32_bits(BNF ? Bs[p * LDW + j] : Bs[j * LDK + p]);
                fb[y][1] = tf32_bits(BNF ? Bs[(p + 4) * LDW + j] : Bs[j * LDK + p + 4]);
            }
#pragma unroll
            for (int x = 0; x < FX; x++) {
#pragma unroll
                for (int y = 0; y < FY; y++) {
                    mma_tf32(acc[x][y], fa[x], fb[y]);
                }
            }
        }
    }
    cp_async_wait<0>();

    // accumulator e of tile (x, y): row g (e < 2) or g + 8, column 2 t4 + (e & 1)
    const float al = (float) alpha, be = (float) beta;
    if (EPI == EPI_PLAIN) {                           // straight from registers to C
#pragma unroll
        for (int x = 0; x < FX; x++) {
#pragma unroll
            for (int y = 0; y < FY; y++) {
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    int gi = i0 + wm * 64 + x * 16 + g + (e >> 1) * 8, gj = j0 + wn * WN + y * 8 + 2 * t4 + (e & 1);
                    if (gi < m && gj < n) {
                        float* p = c + gi * cRs + gj * cCs;
                        float v = al * acc[x][y][e];
                        *p = be == 0.0f ? v : v + be * *p;
                    }
                }
            }
        }
        return;
    }
    // The fused epilogues: the block's tile goes through shared memory (column-major, rows padded to LDC: lanes write
    // banks 8 t4 + g, conflict-free), then one thread per unit (uk consecutive columns of one row; consecutive
    // threads take consecutive rows, so the reads and writes of y, z and C coalesce) does norm_act's arithmetic in
    // its order: sums over the unit's components in double, then the outputs. The accumulators are dead once
    // staged, so the unit arithmetic (double, transcendental) costs the main loop no registers.
    constexpr int LDC = T + 4;
    static_assert(T * LDC <= 2 * MMA_OPER * MMA_STAGES, "the staged tile fits the slices' shared memory");
    __syncthreads();                                  // every warp is done with the last slice
#pragma unroll
    for (int x = 0; x < FX; x++) {
#pragma unroll
        for (int y = 0; y < FY; y++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int row = wm * 64 + x * 16 + g + (e >> 1) * 8, col = wn * WN + y * 8 + 2 * t4 + (e & 1);
                smem[col * LDC + row] = acc[x][y][e];
            }
        }
    }
    __syncthreads();
    tc_epilogue_units<EPI, T>(smem, LDC, tid, NT, i0, j0, m, n, cCs, uk, al, be, c, z, yin, ryin, profile, ca, cb);
}
}  // namespace gs_tc_gemm

#define GS_TC_MMA(NAME, AM, BNF)                                                                                   \
    extern "C" __global__ void __launch_bounds__(256, 2)                                                           \
    NAME(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs, long aCs,                        \
         const float* __restrict__ b, long bRs, long bCs, double alpha, double beta, float* __restrict__ c,        \
         long cRs, long cCs, long cSplit) {                                                                        \
        gs_tc_gemm::tc_mma<AM, BNF, gs_tc_gemm::EPI_PLAIN>(m, n, kk, kChunk, a, aRs, aCs, b, bRs, bCs, alpha,     \
                                                          beta, c, cRs, cCs, cSplit, nullptr, nullptr, nullptr,    \
                                                          1, 0, 0.0, 0.0);                                         \
    }
GS_TC_MMA(tc_gemm_tf32_mma_mn, true, true)
GS_TC_MMA(tc_gemm_tf32_mma_mk, true, false)
GS_TC_MMA(tc_gemm_tf32_mma_kn, false, true)
GS_TC_MMA(tc_gemm_tf32_mma_kk, false, false)
// tc_gemm_tf32_mma_act_<A><B>: the fused equivariant layer's forward, Y = op(A) op(B) and Z = h(|y|^2) y per unit of
// uk columns (cRs 1, ld cCs for both; alpha 1, beta 0, kChunk = kk); CPU twin: CpuEquivLinear.gemm, then
// CpuNormAct.forward (FusedLayerParityTest).
#define GS_TC_MMA_ACT(NAME, AM, BNF)                                                                               \
    extern "C" __global__ void __launch_bounds__(256, 2)                                                           \
    NAME(int m, int n, int kk, const float* __restrict__ a, long aRs, long aCs, const float* __restrict__ b,       \
         long bRs, long bCs, float* __restrict__ y, long ldy, float* __restrict__ z, int uk, int profile,          \
         double ca, double cb) {                                                                                   \
        gs_tc_gemm::tc_mma<AM, BNF, gs_tc_gemm::EPI_ACT>(m, n, kk, kk, a, aRs, aCs, b, bRs, bCs, 1.0, 0.0, y, 1,  \
                                                        ldy, 0, z, nullptr, nullptr, uk, profile, ca, cb);         \
    }
GS_TC_MMA_ACT(tc_gemm_tf32_mma_act_mn, true, true)
GS_TC_MMA_ACT(tc_gemm_tf32_mma_act_mk, true, false)
GS_TC_MMA_ACT(tc_gemm_tf32_mma_act_kn, false, true)
GS_TC_MMA_ACT(tc_gemm_tf32_mma_act_kk, false, false)
// tc_gemm_tf32_mma_jac_<A><B>: G = op(A) op(B) + beta C (beta 0 or 1; C, when c is not null, gets G) and
// out = J(y) G = h G + 2 h' (y . G) y per unit of uk columns (cRs 1, ld ldc for C, y and out; alpha 1, kChunk = kk):
// the data gradient through the nonlinearity below a layer (A = W transposed: _kk) and the forward R-pass (the
// second GEMM, W R{Z} + R{Y}: _mk). CPU twin: CpuEquivLinear.gemm, then CpuNormAct.backward (FusedLayerParityTest).
#define GS_TC_MMA_JAC(NAME, AM, BNF)                                                                               \
    extern "C" __global__ void __launch_bounds__(256, 2)                                                           \
    NAME(int m, int n, int kk, const float* __restrict__ a, long aRs, long aCs, const float* __restrict__ b,       \
         long bRs, long bCs, double beta, float* __restrict__ c, long ldc, const float* __restrict__ y,            \
         float* __restrict__ out, int uk, int profile, double ca, double cb) {                                     \
        gs_tc_gemm::tc_mma<AM, BNF, gs_tc_gemm::EPI_JAC>(m, n, kk, kk, a, aRs, aCs, b, bRs, bCs, 1.0, beta, c, 1, \
                                                        ldc, 0, out, y, nullptr, uk, profile, ca, cb);             \
    }
GS_TC_MMA_JAC(tc_gemm_tf32_mma_jac_mk, true, false)
GS_TC_MMA_JAC(tc_gemm_tf32_mma_jac_kk, false, false)
// tc_gemm_tf32_mma_jacr_kk: the HVP's backward through the nonlinearity below a layer, in place: R = W^T R{G_Y} + beta
// C (C: V^T G_Y in, R{G_y} out) and g (G_z in, G_y out), y and ry = R{y} read; all m x n with ld ldc (EPI_JACR).
// CPU twin: CpuEquivLinear.gemm, then CpuNormAct.backwardAndRop (FusedLayerParityTest).
extern "C" __global__ void __launch_bounds__(256, 2)
tc_gemm_tf32_mma_jacr_kk(int m, int n, int kk, const float* __restrict__ a, long aRs, long aCs,
                         const float* __restrict__ b, long bRs, long bCs, double beta, float* __restrict__ c,
                         long ldc, const float* __restrict__ y, const float* __restrict__ ry, float* __restrict__ g,
                         int uk, int profile, double ca, double cb) {
    gs_tc_gemm::tc_mma<false, false, gs_tc_gemm::EPI_JACR>(m, n, kk, kk, a, aRs, aCs, b, bRs, bCs, 1.0, beta, c, 1,
                                                          ldc, 0, g, y, ry, uk, profile, ca, cb);
}
#undef GS_TC_MMA_JAC
#undef GS_TC_MMA_ACT
#undef GS_TC_MMA

// tc_gemm_transpose: the K-major copy of an operand for the wgmma kernels (hopper/tc_wgmma.cu), which read A(i, p) at
// out[i*cols + p]: out (rows x cols, row-major) from A column-major with leading dimension lda (A(i, p) at
// a[i + p*lda]; the forward's weight). 32 x 32 tiles through shared memory (33 columns: conflict-free), blocks of 256
// threads (32 x 8), grid ceil(cols/32) x ceil(rows/32); reads coalesce along i, writes along p.
extern "C" __global__ void __launch_bounds__(256)
tc_gemm_transpose(int rows, int cols, const float* __restrict__ a, long lda, float* __restrict__ out) {
    __shared__ float t[32][33];
    const int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
    const int i0 = blockIdx.y * 32, p0 = blockIdx.x * 32;
#pragma unroll
    for (int k = 0; k < 32; k += 8) {
        const int i = i0 + tx, p = p0 + ty + k;
        if (i < rows && p < cols) {
            t[ty + k][tx] = a[i + (long) p * lda];
        }
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < 32; k += 8) {
        const int i = i0 + ty + k, p = p0 + tx;
        if (i < rows && p < cols) {
            out[(long) i * cols + p] = t[tx][ty + k];
        }
    }
}
