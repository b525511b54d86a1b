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

namespace gs_tc_gemm {
constexpr int BM = 128, BN = 128, BK = 16, PAD = 8;
constexpr int THREADS = 256;
constexpr int PER_THREAD = BM * BK / THREADS;       // 8 elements of A and 8 of B per thread and slice
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

    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[4][2];
#pragma unroll
    for (int x = 0; x < 4; x++) {
#pragma unroll
        for (int y = 0; y < 2; y++) {
            wmma::fill_fragment(acc[x][y], 0.0f);
        }
    }

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

    // epilogue: each 16 x 16 accumulator through the warp's staging tile, column-major so that consecutive lanes
    // write consecutive rows (coalesced for the column-major C of the engine)
    const float al = (float) alpha, be = (float) beta;
#pragma unroll
    for (int x = 0; x < 4; x++) {
#pragma unroll
        for (int y = 0; y < 2; y++) {
            wmma::store_matrix_sync(Cs[warp], acc[x][y], 16, wmma::mem_col_major);
            __syncwarp();
            for (int t = lane; t < 256; t += 32) {
                int r = t % 16, col = t / 16;
                int gi = i0 + wm * 64 + x * 16 + r, gj = j0 + wn * 32 + y * 16 + col;
                if (gi < m && gj < n) {
                    float* p = c + gi * cRs + gj * cCs;
                    float v = al * Cs[warp][t];
                    *p = be == 0.0f ? v : v + be * *p;
                }
            }
            __syncwarp();
        }
    }
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
