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
// Each block computes a 128 x 128 tile of C in 16-deep slices of A and B: the slice is read from global memory into
// registers while the tensor cores work on the previous one (software pipelining), then stored to shared memory as
// TF32. Each warp owns a 64 x 32 sub-tile, 4 x 2 wmma m16n16k8 accumulators. CPU twin: CpuEquivLinear.gemm (the
// parity test allows TF32 rounding: see TensorCoreGemmParityTest).
#include <mma.h>
#include <type_traits>

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
// tc_gemm_tf32_async_<A><B>: the same GEMM for unit-stride operands, with asynchronous copies (cp.async, sm_80+):
// 16-byte chunks go from global to shared memory without passing through registers, two slices in flight (double
// buffering), and the fragments are rounded to TF32 after loading. <A> is m when A(i, p) is contiguous along i (A
// not transposed) and k when along p; <B> is n when B(p, j) is contiguous along j and k when along p. The host uses
// it where the fast dimension's extent, the other stride and both offsets are multiples of 4 floats (16 bytes) and
// split-K slices are multiples of 16; otherwise tc_gemm_tf32. Same arguments, same results up to summation order.
namespace gs_tc_gemm {
constexpr int LDK = BK + 4;                           // row length of a tile stored k-fastest

__device__ __forceinline__ void cp_async16(float* smem, const float* gmem, bool valid) {
    unsigned s = (unsigned) __cvta_generic_to_shared(smem);
    int bytes = valid ? 16 : 0;                       // 0: zero-fill, nothing is read
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(bytes));
}

__device__ __forceinline__ void cp_async_commit() {
    asm volatile("cp.async.commit_group;\n" ::);
}

__device__ __forceinline__ void cp_async_wait_one() {
    asm volatile("cp.async.wait_group 1;\n" ::);
}

template <typename Frag>
__device__ __forceinline__ void to_tf32(Frag& f) {
#pragma unroll
    for (int t = 0; t < f.num_elements; t++) {
        f.x[t] = nvcuda::wmma::__float_to_tf32(f.x[t]);
    }
}

/**
 * T x T tiles of C computed by W warps as 2 x (W/2), each warp (T/2) x (2T/W): T = 128, W = 8 (64 x 32 per warp, the
 * default); T = 128, W = 4 (64 x 64 per warp: twice the multiply-adds per fragment load, opt-in); T = 64, W = 4
 * (32 x 32 per warp, for problems whose 128-tiles cannot fill the device). 16-deep slices, two in flight.
 */
template <bool AM, bool BNF, int T, int W>
__device__ __forceinline__ void tc_async(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs,
                                         long aCs, const float* __restrict__ b, long bRs, long bCs, double alpha,
                                         double beta, float* __restrict__ c, long cRs, long cCs, long cSplit) {
    using namespace nvcuda;
    constexpr int NT = 32 * W;                        // threads
    constexpr int LDW = T + 4;                        // row length of a tile stored m- or n-fastest
    constexpr int STAGE = T * LDK > BK * LDW ? T * LDK : BK * LDW;   // floats per operand per stage
    constexpr int FX = T / 32;                        // 16-row fragments per warp along m
    constexpr int FY = 2 * T / W / 16;                // 16-column fragments per warp along n
    constexpr int RUN = T / 4;                        // 16-byte chunks per slice row of an m- or n-fast tile
    constexpr int PER = 4 * T / NT;                   // chunks per thread per operand and slice
    __shared__ __align__(128) float smem[2 * 2 * STAGE];   // [stage][A, B][STAGE]; reused by the epilogue
    const int tid = threadIdx.y * blockDim.x + threadIdx.x;
    const int warp = tid / 32, lane = tid % 32;
    const int wm = warp % 2, wn = warp / 2;
    const int i0 = blockIdx.y * T, j0 = blockIdx.x * T;
    const int kBegin = blockIdx.z * kChunk, kEnd = min(kk, kBegin + kChunk);
    c += blockIdx.z * cSplit;

    auto issue = [&](int stage, int k0) {
        float* As = smem + stage * 2 * STAGE;
        float* Bs = As + STAGE;
#pragma unroll
        for (int r = 0; r < PER; r++) {               // 4 T chunks of 4 floats per operand, PER per thread
            int ch = tid + r * NT;
            if (AM) {                                 // As[p][i], T/4 chunks per p
                int p = ch / RUN, i = (ch % RUN) * 4;
                bool ok = i0 + i < m && k0 + p < kEnd;
                cp_async16(&As[p * LDW + i], ok ? a + (i0 + i) + (long) (k0 + p) * aCs : a, ok);
            } else {                                  // As[i][p], 4 chunks per i
                int i = ch / 4, p = (ch % 4) * 4;
                bool ok = i0 + i < m && k0 + p < kEnd;
                cp_async16(&As[i * LDK + p], ok ? a + (long) (i0 + i) * aRs + (k0 + p) : a, ok);
            }
            if (BNF) {                                // Bs[p][j]
                int p = ch / RUN, j = (ch % RUN) * 4;
                bool ok = j0 + j < n && k0 + p < kEnd;
                cp_async16(&Bs[p * LDW + j], ok ? b + (long) (k0 + p) * bRs + (j0 + j) : b, ok);
            } else {                                  // Bs[j][p]
                int j = ch / 4, p = (ch % 4) * 4;
                bool ok = j0 + j < n && k0 + p < kEnd;
                cp_async16(&Bs[j * LDK + p], ok ? b + (k0 + p) + (long) (j0 + j) * bCs : b, ok);
            }
        }
    };

    Acc acc[FX][FY];
    zero(acc);
    using LayoutA = typename std::conditional<AM, wmma::col_major, wmma::row_major>::type;
    using LayoutB = typename std::conditional<BNF, wmma::row_major, wmma::col_major>::type;
    const int slices = kEnd > kBegin ? (kEnd - kBegin + BK - 1) / BK : 0;
    if (slices > 0) {
        issue(0, kBegin);
    }
    cp_async_commit();
    for (int t = 0; t < slices; t++) {
        if (t + 1 < slices) {
            issue((t + 1) & 1, kBegin + (t + 1) * BK);
        }
        cp_async_commit();
        cp_async_wait_one();                          // slice t has landed (slice t + 1 may be in flight)
        __syncthreads();
        const float* As = smem + (t & 1) * 2 * STAGE;
        const float* Bs = As + STAGE;
#pragma unroll
        for (int ks = 0; ks < BK; ks += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, LayoutA> fa[FX];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, LayoutB> fb[FY];
#pragma unroll
            for (int x = 0; x < FX; x++) {
                int i = wm * FX * 16 + x * 16;
                wmma::load_matrix_sync(fa[x], AM ? As + ks * LDW + i : As + i * LDK + ks, AM ? LDW : LDK);
                to_tf32(fa[x]);
            }
#pragma unroll
            for (int y = 0; y < FY; y++) {
                int j = wn * FY * 16 + y * 16;
                wmma::load_matrix_sync(fb[y], BNF ? Bs + ks * LDW + j : Bs + j * LDK + ks, BNF ? LDW : LDK);
                to_tf32(fb[y]);
            }
#pragma unroll
            for (int x = 0; x < FX; x++) {
#pragma unroll
                for (int y = 0; y < FY; y++) {
                    wmma::mma_sync(acc[x][y], fa[x], fb[y], acc[x][y]);
                }
            }
        }
        __syncthreads();                              // the stage is refilled two slices later
    }

    // the pipeline is drained: the epilogue stages through its memory
    store_tile(acc, smem + warp * 256, lane, i0, j0, wm, wn, m, n, c, cRs, cCs, (float) alpha, (float) beta);
}
}  // namespace gs_tc_gemm

#define GS_TC_ASYNC(NAME, AM, BNF, T, W)                                                                           \
    extern "C" __global__ void __launch_bounds__(32 * W)                                                           \
    NAME(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs, long aCs,                        \
         const float* __restrict__ b, long bRs, long bCs, double alpha, double beta, float* __restrict__ c,        \
         long cRs, long cCs, long cSplit) {                                                                        \
        gs_tc_gemm::tc_async<AM, BNF, T, W>(m, n, kk, kChunk, a, aRs, aCs, b, bRs, bCs, alpha, beta, c, cRs, cCs,  \
                                            cSplit);                                                               \
    }
GS_TC_ASYNC(tc_gemm_tf32_async_mn, true, true, 128, 8)
GS_TC_ASYNC(tc_gemm_tf32_async_mk, true, false, 128, 8)
GS_TC_ASYNC(tc_gemm_tf32_async_kn, false, true, 128, 8)
GS_TC_ASYNC(tc_gemm_tf32_async_kk, false, false, 128, 8)
// 64 x 64 tiles, 4 warps: for problems whose 128-tiles leave SMs idle (-Dgoldstone.tc.small=true)
GS_TC_ASYNC(tc_gemm_tf32_async_mn_64, true, true, 64, 4)
GS_TC_ASYNC(tc_gemm_tf32_async_mk_64, true, false, 64, 4)
GS_TC_ASYNC(tc_gemm_tf32_async_kn_64, false, true, 64, 4)
GS_TC_ASYNC(tc_gemm_tf32_async_kk_64, false, false, 64, 4)
// 128 x 128 tiles, 4 warps of 64 x 64 (-Dgoldstone.tc.kernel=wide)
GS_TC_ASYNC(tc_gemm_tf32_async_mn_w4, true, true, 128, 4)
GS_TC_ASYNC(tc_gemm_tf32_async_mk_w4, true, false, 128, 4)
GS_TC_ASYNC(tc_gemm_tf32_async_kn_w4, false, true, 128, 4)
GS_TC_ASYNC(tc_gemm_tf32_async_kk_w4, false, false, 128, 4)
#undef GS_TC_ASYNC
