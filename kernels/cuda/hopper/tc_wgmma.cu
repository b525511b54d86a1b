// tc_wgmma.cu: the tensor-core GEMM on Hopper's warpgroup MMA (wgmma.mma_async m64n128k8, TF32 inputs, fp32
// accumulation), opt-in with -Dgoldstone.tc.kernel=wgmma on compute capability 9.0 (H100, H200). Built apart from the
// main fatbin, for sm_90a only (wgmma is an arch-specific feature): native/Makefile writes
// goldstone_sm90a.cubin, which CudaModule loads when a kernel of this file is first asked for.
//
//   C(i, j) = alpha sum_p A(i, p) B(p, j) + beta C(i, j)  (split K as in tc_gemm.cu), or a fused epilogue
//   (tc_epilogue.h: the norm nonlinearity, its Jacobian, the HVP's backward through it)
//
// TF32 wgmma reads both operands K-major from shared memory: A(i, p) at a[i*aRs + p] and B(p, j) at b[p + j*bCs]
// (aCs = bRs = 1; the host transposes a weight stored the other way first, tc_gemm_transpose). Tile 128 x 128 per
// block of two warpgroups (each 64 rows x 128 columns), 32-deep K slices (one 128-byte row per tile row) in a
// four-stage cp.async ring, prefetch distance two, stored with the 128-byte swizzle (16-byte chunk c of row r at float
// r*32 + ((c ^ (r & 7)) * 4); every operand tile 1024-byte aligned), matrix descriptors with stride 1024 B between
// 8-row groups, and a k8 step advancing the start address by 32 B. Each thread rounds the chunks it copied to TF32
// (cvt.rna, as tc_gemm.cu's mma kernel does) before fence.proxy.async hands the stage to the tensor cores.
// Accumulator e = 4 g + 2 h + l of warp w in warpgroup q: row 64 q + 16 w + lane/4 + 8 h, column 8 g + 2 (lane%4) + l.
// NOT YET RUN ON A GPU (written 2026-11-26 without one): FusedLayerParityTest and EquivLinearParityTest check it
// against the CPU twin when run with -Dgoldstone.tc.kernel=wgmma (benchmarks/gpu/speed-check.sh does).
#include <cstdint>
#include "../../common/portable.h"
#include "../tc_epilogue.h"

namespace gs_wgmma {
constexpr int T = 128, BK = 32, ST = 4, NT = 256;
constexpr int TILE = T * BK;                          // floats of one operand's slice (16 KB)
constexpr int STAGE = 2 * TILE;                       // A then B
constexpr int LDC = T + 4;                            // the staged C tile (column-major) for the fused epilogues
static_assert(T * LDC <= ST * STAGE, "the staged tile fits the ring");
constexpr int SMEM_BYTES = ST * STAGE * 4 + 1024;     // plus the slack that aligns the ring to 1024 B
static_assert(SMEM_BYTES == 132096, "the host's TensorCoreGemm.WGMMA_SMEM_BYTES");

__device__ __forceinline__ int swz(int row, int chunk) {
    return row * BK + ((chunk ^ (row & 7)) << 2);
}

/** A K-major operand slice's matrix descriptor: 128-byte swizzle, 1024 B between 8-row groups. */
__device__ __forceinline__ uint64_t descriptor(const float* p) {
    const uint64_t a = (uint64_t) __cvta_generic_to_shared(p);
    return ((a & 0x3FFFFull) >> 4) | (1ull << 16) | ((1024ull >> 4) << 32) | (1ull << 62);
}

__device__ __forceinline__ void cp_async16(float* smem, const float* gmem, bool valid) {
    unsigned s = (unsigned) __cvta_generic_to_shared(smem);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(gmem), "r"(valid ? 16 : 0));
}

__device__ __forceinline__ void cp_async_commit() {
    asm volatile("cp.async.commit_group;\n" ::);
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
}

__device__ __forceinline__ float tf32_round(float x) {
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
    return __uint_as_float(r);
}

#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
__device__ __forceinline__ void wg_fence() {
    asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
}

__device__ __forceinline__ void wg_commit() {
    asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
}

template <int N>
__device__ __forceinline__ void wg_wait() {
    asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}

/** d += A B for one m64n128k8 step, both operands from shared memory through their descriptors. */
__device__ __forceinline__ void wgmma_m64n128k8(float (&d)[64], uint64_t da, uint64_t db) {
    asm volatile(
        "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
        "wgmma.mma_async.sync.aligned.m64n128k8.f32.tf32.tf32 {%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}, %64, %65, p, 1, 1;\n}\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
        : "l"(da), "l"(db));
}
#endif

/**
 * One 128 x 128 tile of C. EPI as in tc_gemm.cu (tc_epilogue.h): PLAIN writes alpha acc + beta C with any C strides
 * and split K (block z sums K range [z kChunk, (z + 1) kChunk) into C + z cSplit); the fused modes take cRs = 1,
 * alpha 1, no split, and stage the tile for tc_epilogue_units.
 */
template <int EPI>
__device__ __forceinline__ void tc_wgmma(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs,
                                         const float* __restrict__ b, long bCs, double alpha, double beta,
                                         float* __restrict__ c, long cRs, long cCs, long cSplit,
                                         float* __restrict__ z, const float* __restrict__ yin,
                                         const float* __restrict__ ryin, int uk, int profile, double ca, double cb) {
#if defined(__CUDA_ARCH_FEAT_SM90_ALL)
    extern __shared__ float4 raw[];
    float* sm = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(raw) + 1023) & ~uintptr_t(1023));
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, q = warp / 4, w = warp % 4;
    const int i0 = blockIdx.y * T, j0 = blockIdx.x * T;
    const int kBegin = blockIdx.z * kChunk, kEnd = min(kk, kBegin + kChunk);
    c += blockIdx.z * cSplit;
    // this thread's 16-byte chunks: column chunk cc of rows r0, r0 + 32, r0 + 64, r0 + 96 of both operands
    const int cc = tid % 8, r0 = tid / 8;

    auto issue = [&](int stage, int k0) {
        float* As = sm + stage * STAGE;
        float* Bs = As + TILE;
        const bool kok = k0 + 4 * cc < kEnd;          // kk is a multiple of 4: a chunk is wholly in or out
#pragma unroll
        for (int i = 0; i < T / 32; i++) {
            const int r = r0 + 32 * i;
            const bool okA = kok && i0 + r < m, okB = kok && j0 + r < n;
            cp_async16(As + swz(r, cc), okA ? a + (long) (i0 + r) * aRs + k0 + 4 * cc : a, okA);
            cp_async16(Bs + swz(r, cc), okB ? b + (long) (j0 + r) * bCs + k0 + 4 * cc : b, okB);
        }
    };
    auto round = [&](int stage) {                     // this thread's own chunks, to TF32 in place
        float* As = sm + stage * STAGE;
#pragma unroll
        for (int o = 0; o < 2; o++) {
#pragma unroll
            for (int i = 0; i < T / 32; i++) {
                const int r = r0 + 32 * i;
                float4* p = reinterpret_cast<float4*>(As + o * TILE + swz(r, cc));
                float4 v = *p;
                *p = make_float4(tf32_round(v.x), tf32_round(v.y), tf32_round(v.z), tf32_round(v.w));
            }
        }
    };

    float d[64];
#pragma unroll
    for (int e = 0; e < 64; e++) {
        d[e] = 0.0f;
    }
    const int slices = kEnd > kBegin ? (kEnd - kBegin + BK - 1) / BK : 0;
#pragma unroll
    for (int s = 0; s < ST - 2; s++) {
        if (s < slices) {
            issue(s, kBegin + s * BK);
        }
        cp_async_commit();
    }
    for (int t = 0; t < slices; t++) {
        cp_async_wait<ST - 3>();                      // slice t has landed (this thread's chunks)
        round(t % ST);
        asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
        __syncthreads();                              // slice t whole; the wgmma group of slice t - 2 retired
        if (t + ST - 2 < slices) {
            issue((t + ST - 2) % ST, kBegin + (t + ST - 2) * BK);
        }
        cp_async_commit();
        const float* As = sm + (t % ST) * STAGE + q * 64 * BK;
        const float* Bs = sm + (t % ST) * STAGE + TILE;
        wg_fence();
#pragma unroll
        for (int k8 = 0; k8 < BK / 8; k8++) {
            wgmma_m64n128k8(d, descriptor(As + k8 * 8), descriptor(Bs + k8 * 8));
        }
        wg_commit();
        wg_wait<1>();
    }
    wg_wait<0>();
    cp_async_wait<0>();

    const float al = (float) alpha, be = (float) beta;
    const int rowBase = q * 64 + w * 16 + lane / 4, colBase = 2 * (lane % 4);
    if (EPI == gs_tc_gemm::EPI_PLAIN) {
#pragma unroll
        for (int e = 0; e < 64; e++) {
            const int gi = i0 + rowBase + ((e >> 1) & 1) * 8, gj = j0 + (e >> 2) * 8 + colBase + (e & 1);
            if (gi < m && gj < n) {
                float* p = c + gi * cRs + gj * cCs;
                const float v = al * d[e];
                *p = be == 0.0f ? v : v + be * *p;
            }
        }
        return;
    }
    __syncthreads();                                  // every warpgroup is done with the ring
#pragma unroll
    for (int e = 0; e < 64; e++) {
        const int row = rowBase + ((e >> 1) & 1) * 8, col = (e >> 2) * 8 + colBase + (e & 1);
        sm[col * LDC + row] = d[e];
    }
    __syncthreads();
    gs_tc_gemm::tc_epilogue_units<EPI, T>(sm, LDC, tid, NT, i0, j0, m, n, cCs, uk, al, be, c, z, yin, ryin, profile,
                                          ca, cb);
#else
    __trap();                                         // sm_90a only; the host never launches it elsewhere
#endif
}
}  // namespace gs_wgmma

// The kernels, with tc_gemm.cu's argument lists (aCs and bRs must be 1: the operands are K-major).
extern "C" __global__ void __launch_bounds__(256, 1)
tc_wgmma(int m, int n, int kk, int kChunk, const float* __restrict__ a, long aRs, long aCs,
         const float* __restrict__ b, long bRs, long bCs, double alpha, double beta, float* __restrict__ c, long cRs,
         long cCs, long cSplit) {
    gs_wgmma::tc_wgmma<gs_tc_gemm::EPI_PLAIN>(m, n, kk, kChunk, a, aRs, b, bCs, alpha, beta, c, cRs, cCs, cSplit,
                                              nullptr, nullptr, nullptr, 1, 0, 0.0, 0.0);
}

extern "C" __global__ void __launch_bounds__(256, 1)
tc_wgmma_act(int m, int n, int kk, const float* __restrict__ a, long aRs, long aCs, const float* __restrict__ b,
             long bRs, long bCs, float* __restrict__ y, long ldy, float* __restrict__ z, int uk, int profile,
             double ca, double cb) {
    gs_wgmma::tc_wgmma<gs_tc_gemm::EPI_ACT>(m, n, kk, kk, a, aRs, b, bCs, 1.0, 0.0, y, 1, ldy, 0, z, nullptr,
                                            nullptr, uk, profile, ca, cb);
}

extern "C" __global__ void __launch_bounds__(256, 1)
tc_wgmma_jac(int m, int n, int kk, const float* __restrict__ a, long aRs, long aCs, const float* __restrict__ b,
             long bRs, long bCs, double beta, float* __restrict__ c, long ldc, const float* __restrict__ y,
             float* __restrict__ out, int uk, int profile, double ca, double cb) {
    gs_wgmma::tc_wgmma<gs_tc_gemm::EPI_JAC>(m, n, kk, kk, a, aRs, b, bCs, 1.0, beta, c, 1, ldc, 0, out, y, nullptr,
                                            uk, profile, ca, cb);
}

extern "C" __global__ void __launch_bounds__(256, 1)
tc_wgmma_jacr(int m, int n, int kk, const float* __restrict__ a, long aRs, long aCs, const float* __restrict__ b,
              long bRs, long bCs, double beta, float* __restrict__ c, long ldc, const float* __restrict__ y,
              const float* __restrict__ ry, float* __restrict__ g, int uk, int profile, double ca, double cb) {
    gs_wgmma::tc_wgmma<gs_tc_gemm::EPI_JACR>(m, n, kk, kk, a, aRs, b, bCs, 1.0, beta, c, 1, ldc, 0, g, y, ry, uk,
                                             profile, ca, cb);
}
