// equiv_linear.cl: the equivariant matmul (SCIENCE a.2, a.9);
// one source for both backends: the OpenCL driver builds it at run time and nvcc compiles it into the fatbin through
// kernels/cuda/equiv_linear.cu (kernels/common/portable.h).
// Real: C = op(A) op(B) + beta C. O(k) layers, embeddings, readouts and dense layers are this GEMM (W (x) I_k on the
// unit layout is a plain GEMM over batch*k columns).
// Complex (U(1) layers): C = A B + beta C over complex matrices, with A or B optionally conjugated (aSign, bSign =
// -1), which gives forward Y = W Z, backward-data G_Z = W^H G_Y and weight gradient G_W = G_Y Z^H in one kernel.
// Layout: every operand is (pointer, offset) plus strides, element (r, c) at base[off + r*rs + c*cs]; for the
// complex kernel the imaginary part sits im elements after the real part (planar W: im = m*n; unit layout k = 2:
// column c of Z is Re at 2c*n, Im at (2c+1)*n, so rs = 1, cs = 2n, im = n). Accumulation in real_t (fp32 in fp32,
// fp64 in fp64), as the CPU twin does.
// CPU twin: org.goldstone.backend.cpu.CpuEquivLinear (gemm, complexForward, complexBackwardData,
// complexBackwardWeight).
// Launch: 2-D work-groups of 16x16 items, group (x, y) = the 64x64 tile (column block, row block) of C, global
// (16 ceil(N/64), 16 ceil(M/64)); each item computes 4x4 outputs spaced 16 apart (conflict-free local reads),
// k-tiles of 16 staged in __local memory (real: 2 x 16 x 65, complex: 4 x 16 x 65 elements = 33 KB in fp64, within
// the 48 KB most GPUs and the 1 MiB PoCL report, so one tile size serves both types). Tile loads coalesce along
// whichever of rs/cs is 1.
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

#define EL_BM 64
#define EL_BN 64
#define EL_BK 16

// Loads the EL_BM x EL_BK tile of A (rows i0.., inner p0..) into As[p][i], zero outside the matrix; t is the flat
// local id in [0, 256).
GS_FN void equiv_linear_load_a(GS_LOCAL_PTR real_t (*As)[EL_BM + 1], __global const real_t* a, long rs, long cs,
                                int rows, int inner, int i0, int p0, int t) {
    for (int s = 0; s < 4; ++s) {
        const int idx = t + 256 * s;
        int i, p;
        if (rs == 1) { i = idx % EL_BM; p = idx / EL_BM; } else { p = idx % EL_BK; i = idx / EL_BK; }
        const int gi = i0 + i, gp = p0 + p;
        As[p][i] = (gi < rows && gp < inner) ? a[(long)gi * rs + (long)gp * cs] : (real_t)0;
    }
}

// Loads the EL_BK x EL_BN tile of B (inner p0.., columns j0..) into Bs[p][j], zero outside the matrix.
GS_FN void equiv_linear_load_b(GS_LOCAL_PTR real_t (*Bs)[EL_BN + 1], __global const real_t* b, long rs, long cs,
                                int inner, int cols, int p0, int j0, int t) {
    for (int s = 0; s < 4; ++s) {
        const int idx = t + 256 * s;
        int p, j;
        if (rs == 1) { p = idx % EL_BK; j = idx / EL_BK; } else { j = idx % EL_BN; p = idx / EL_BN; }
        const int gp = p0 + p, gj = j0 + j;
        Bs[p][j] = (gp < inner && gj < cols) ? b[(long)gp * rs + (long)gj * cs] : (real_t)0;
    }
}

__kernel GS_REQD_WG(16, 16, 1)
void KNAME(equiv_linear_gemm)(int m, int n, int kk,
                              __global const real_t* a, int aOff, long aRs, long aCs,
                              __global const real_t* b, int bOff, long bRs, long bCs,
                              acc_t beta, __global real_t* c, int cOff, long cRs, long cCs) {
    GS_SHARED real_t As[EL_BK][EL_BM + 1];
    GS_SHARED real_t Bs[EL_BK][EL_BN + 1];
    a += aOff;
    b += bOff;
    c += cOff;
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int t = ty * 16 + tx;
    const int i0 = get_group_id(1) * EL_BM, j0 = get_group_id(0) * EL_BN;
    real_t acc[4][4];
    for (int r = 0; r < 4; ++r)
        for (int q = 0; q < 4; ++q) acc[r][q] = (real_t)0;
    for (int p0 = 0; p0 < kk; p0 += EL_BK) {
        equiv_linear_load_a(As, a, aRs, aCs, m, kk, i0, p0, t);
        equiv_linear_load_b(Bs, b, bRs, bCs, kk, n, p0, j0, t);
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < EL_BK; ++p) {
            real_t av[4], bv[4];
            for (int r = 0; r < 4; ++r) av[r] = As[p][ty + 16 * r];
            for (int q = 0; q < 4; ++q) bv[q] = Bs[p][tx + 16 * q];
            for (int r = 0; r < 4; ++r)
                for (int q = 0; q < 4; ++q) acc[r][q] = fma(av[r], bv[q], acc[r][q]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int r = 0; r < 4; ++r) {
        const int i = i0 + ty + 16 * r;
        if (i >= m) continue;
        for (int q = 0; q < 4; ++q) {
            const int j = j0 + tx + 16 * q;
            if (j >= n) continue;
            __global real_t* out = c + (long)i * cRs + (long)j * cCs;
            *out = beta != (acc_t)0 ? *out + acc[r][q] : acc[r][q];
        }
    }
}

// Complex: C = A B + beta C, where A's imaginary part is multiplied by aSign (-1 conjugates) and B's by bSign.
__kernel GS_REQD_WG(16, 16, 1)
void KNAME(equiv_linear_cgemm)(int m, int n, int kk,
                               __global const real_t* a, int aOff, long aRs, long aCs, long aIm, acc_t aSign,
                               __global const real_t* b, int bOff, long bRs, long bCs, long bIm, acc_t bSign,
                               acc_t beta, __global real_t* c, int cOff, long cRs, long cCs, long cIm) {
    GS_SHARED real_t Ar[EL_BK][EL_BM + 1];
    GS_SHARED real_t Ai[EL_BK][EL_BM + 1];
    GS_SHARED real_t Br[EL_BK][EL_BN + 1];
    GS_SHARED real_t Bi[EL_BK][EL_BN + 1];
    a += aOff;
    b += bOff;
    c += cOff;
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int t = ty * 16 + tx;
    const int i0 = get_group_id(1) * EL_BM, j0 = get_group_id(0) * EL_BN;
    const real_t sa = (real_t)aSign, sb = (real_t)bSign;
    real_t accR[4][4], accI[4][4];
    for (int r = 0; r < 4; ++r)
        for (int q = 0; q < 4; ++q) { accR[r][q] = (real_t)0; accI[r][q] = (real_t)0; }
    for (int p0 = 0; p0 < kk; p0 += EL_BK) {
        equiv_linear_load_a(Ar, a, aRs, aCs, m, kk, i0, p0, t);
        equiv_linear_load_a(Ai, a + aIm, aRs, aCs, m, kk, i0, p0, t);
        equiv_linear_load_b(Br, b, bRs, bCs, kk, n, p0, j0, t);
        equiv_linear_load_b(Bi, b + bIm, bRs, bCs, kk, n, p0, j0, t);
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int p = 0; p < EL_BK; ++p) {
            real_t ar[4], ai[4], br[4], bi[4];
            for (int r = 0; r < 4; ++r) { ar[r] = Ar[p][ty + 16 * r]; ai[r] = sa * Ai[p][ty + 16 * r]; }
            for (int q = 0; q < 4; ++q) { br[q] = Br[p][tx + 16 * q]; bi[q] = sb * Bi[p][tx + 16 * q]; }
            for (int r = 0; r < 4; ++r)
                for (int q = 0; q < 4; ++q) {
                    accR[r][q] = fma(ar[r], br[q], fma(-ai[r], bi[q], accR[r][q]));
                    accI[r][q] = fma(ar[r], bi[q], fma(ai[r], br[q], accI[r][q]));
                }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int r = 0; r < 4; ++r) {
        const int i = i0 + ty + 16 * r;
        if (i >= m) continue;
        for (int q = 0; q < 4; ++q) {
            const int j = j0 + tx + 16 * q;
            if (j >= n) continue;
            __global real_t* re = c + (long)i * cRs + (long)j * cCs;
            __global real_t* im = re + cIm;
            if (beta != (acc_t)0) { *re += accR[r][q]; *im += accI[r][q]; }
            else { *re = accR[r][q]; *im = accI[r][q]; }
        }
    }
}

// The single-GEMM form of a U(1) layer (the CUDA GEMM providers, RealGemmProvider): in the k = 2 unit layout a
// sample's column is [Re; Im] (2 x channels rows), so the complex map is one real GEMM with the 2m x 2n block weight
//   Wb = [[Wr, -Wi], [Wi, Wr]]:   Y = Wb Z,   G_Z = Wb^T G_Y (= W^H G_Y),   G_W from Gb = G_Y Z^T (2m x 2n):
//   dL/dRe W = Gb_tl + Gb_br,  dL/dIm W = Gb_bl - Gb_tr   (SCIENCE a.8 packing, planar like W).
// u1_block writes Wb (column-major, ld 2m) from planar W; u1_fold writes G_W = fold(Gb) + beta G_W (beta 0 or 1:
// G_W not read when 0). One item per (i, p) of the m x n blocks, grid-stride; plain copies and one add per element.
// order 1 interleaves Wb's rows (row 2i + a holds Wb's row a m + i) and order 2 its columns (column 2p + a holds
// column a n + p): the GEMM's result then has a channel's Re and Im in adjacent rows, which is how the fused
// epilogues of the tensor-core GEMM take U(1) units (tc_epilogue.h, UNIT_ROW_PAIRS): order 1 for Y = Wb Z, order 2
// for the transposed product Wb^T G_Y.
// CPU twin: CpuEquivLinear.complexForward / complexBackwardData / complexBackwardWeight (the parity tests run the
// whole single-GEMM pass against them: EquivLinearParityTest, BlockComplexGemmTest on OpenCL).
__kernel void KNAME(equiv_linear_u1_block)(__global const real_t* w, int wOff, __global real_t* wb, int wbOff,
                                           int m, int n, int order) {
    w += wOff;
    wb += wbOff;
    const long mn = (long)m * n, ld = 2L * m;
    GS_GRID_STRIDE(e, mn) {
        const long i = e % m, p = e / m;
        const real_t re = w[e], im = w[mn + e];
        const long r0 = order == 1 ? 2 * i : i, r1 = order == 1 ? 2 * i + 1 : m + i;      // Re and Im rows
        const long c0 = order == 2 ? 2 * p : p, c1 = order == 2 ? 2 * p + 1 : n + p;      // Re and Im columns
        wb[r0 + c0 * ld] = re;
        wb[r1 + c0 * ld] = im;
        wb[r0 + c1 * ld] = -im;
        wb[r1 + c1 * ld] = re;
    }
}

__kernel void KNAME(equiv_linear_u1_fold)(__global const real_t* gb, int gbOff, __global real_t* gw, int gwOff,
                                          int m, int n, acc_t beta) {
    gb += gbOff;
    gw += gwOff;
    const long mn = (long)m * n, ld = 2L * m, right = (long)n * ld;
    GS_GRID_STRIDE(e, mn) {
        const long i = e % m, p = e / m;
        __global const real_t* col = gb + p * ld + i;
        const real_t re = col[0] + col[right + m];
        const real_t im = col[m] - col[right];
        gw[e] = beta != (acc_t)0 ? gw[e] + re : re;
        gw[mn + e] = beta != (acc_t)0 ? gw[mn + e] + im : im;
    }
}
