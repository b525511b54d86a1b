// pointwise.cu: the elementwise pieces of the real (non-equivariant) layers.
//   bias:      y[i, c] += bias[i]
//   colsum:    gb[i] = (beta == 0 ? 0 : gb[i]) + sum_c gy[i, c]          (any beta != 0 accumulates, as the twin)
//   act:       z = act(y);  gy = act'(y) gz;  R{gy} = act'(y) R{gz} + act''(y) R{y} gz
//              act = ordinal of org.goldstone.layer.Activation: 0 TANH (tanh' = 1 - z^2, tanh'' = -2 z (1 - z^2)),
//              1 RELU (1 if y > 0 else 0; '' = 0), 2 IDENTITY (1; '' = 0)
//   layernorm: per column, mean and biased var over the rows, inv = (var + eps)^(-1/2), d = y - mean, xhat = d inv,
//              z = gamma xhat + beta;  G_y = inv (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = G_z gamma,
//              G_gamma = sum_c G_z xhat, G_beta = sum_c G_z;
//              R{mean} = mean(R{y}), R{var} = 2 mean(d (R{y} - R{mean})), R{inv} = -inv^3 R{var} / 2,
//              R{xhat} = (R{y} - R{mean}) inv + d R{inv},  R{z} = v_gamma xhat + gamma R{xhat} + v_beta;
//              dx = G_z gamma, R{dx} = R{G_z} gamma + G_z v_gamma, A = mean(dx), B = mean(dx xhat),
//              R{A} = mean(R{dx}), R{B} = mean(R{dx} xhat + dx R{xhat}),
//              R{G_y} = R{inv} (dx - A - xhat B) + inv (R{dx} - R{A} - R{xhat} B - xhat R{B}),
//              R{G_gamma} = sum_c (R{G_z} xhat + G_z R{xhat}), R{G_beta} = sum_c R{G_z}.
// Layout: column-major rows x cols, element (i, c) at c*rows + i; a column is one sample, rows are features.
// CPU twin: org.goldstone.backend.cpu.CpuPointwise (layer-norm and column sums accumulate in double here too; the
// activations run in the element type, except the R-op, which the twin evaluates in double).
// Launch: bias/act block 256, grid-stride over the elements. colsum and lnparams: block 256 = 8 warps, one tile of
//   32 rows per block (lanes = rows, so loads coalesce; warps take every 8th column), grid-stride over the tiles;
//   the 8 warp partials are added in a fixed order (deterministic, no atomics). layernorm fwd/fwdr/bwd/bwdr and
//   lnstats: one block per column (grid-stride over columns), blockDim a multiple of 32 (<= 256), reductions over
//   the rows with gs_block_sum. The backward passes first write per-column statistics (lnstats, fp64 scratch
//   stats[0..4 cols): mean, inv, R{mean}, R{inv}), then the parameter gradients (lnparams), then G_y (layernorm).
// Measured: H200 (driver 580.159.04, CUDA 13.0), 2026-11-26: matches the CPU twin on every parity shape
// (benchmarks/gpu/cuda-check.sh); no per-kernel timing yet (the op-family JMH benchmarks come with the GPU-speed issue).
#include "common.cuh"

// Ordinals of org.goldstone.layer.Activation; anything else is the identity, as in the enum's default branch.
#define POINTWISE_TANH 0
#define POINTWISE_RELU 1

// Standard CUDA tanh in each precision (the CPU twin may use a faster fp32 tanh; the parity tolerance covers it).
__device__ __forceinline__ float pointwise_tanh(float y) { return tanhf(y); }
__device__ __forceinline__ double pointwise_tanh(double y) { return tanh(y); }

template <typename T>
__device__ __forceinline__ T pointwise_act_apply(int act, T y) {
    if (act == POINTWISE_TANH) return pointwise_tanh(y);
    if (act == POINTWISE_RELU) return y > T(0) ? y : T(0);
    return y;
}

// Products rounded on their own (never fused into an FMA), so that 1 - z^2 near |z| = 1, where it cancels, and the
// R-op sum get the twin's bits: the inputs are identical, so only forward tanh differs from the CPU.
__device__ __forceinline__ float pointwise_mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double pointwise_mul_rn(double a, double b) { return __dmul_rn(a, b); }

// act'(y) given z = act(y): tanh' from z, so no second tanh.
template <typename T>
__device__ __forceinline__ T pointwise_act_d1(int act, T y, T z) {
    if (act == POINTWISE_TANH) return T(1) - pointwise_mul_rn(z, z);
    if (act == POINTWISE_RELU) return y > T(0) ? T(1) : T(0);
    return T(1);
}

// act''(y) given z = act(y): only tanh has one, -2 z (1 - z^2) (ReLU's is 0 away from 0).
__device__ __forceinline__ double pointwise_act_d2(int act, double z) {
    if (act != POINTWISE_TANH) return 0.0;
    return __dmul_rn(__dmul_rn(-2.0, z), 1.0 - __dmul_rn(z, z));
}

// ---------------------------------------------------------------------------------------------------------------
// Bias broadcast and column sums.

template <typename T>
__device__ __forceinline__ void pointwise_bias_fwd_body(T* __restrict__ y, const T* __restrict__ bias,
                                                        int rows, int cols) {
    GS_GRID_STRIDE(e, (long)rows * cols) y[e] = y[e] + bias[e % rows];   // in T, as the twin rounds each sum
}

// Adds the per-warp partials v[0..K) of each lane over the warps of the block, in warp order (deterministic).
// The sums are valid in warp 0 only. Every thread of the block must call it (it synchronizes).
template <int K>
__device__ __forceinline__ void pointwise_fold_warps(double (&v)[K]) {
    __shared__ double pointwise_part[K][32][32];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    __syncthreads();                                   // the previous tile's warp 0 may still be reading
    for (int k = 0; k < K; ++k) pointwise_part[k][warp][lane] = v[k];
    __syncthreads();
    if (warp == 0) {
        for (int k = 0; k < K; ++k) {
            double t = 0.0;
            for (int w = 0; w < warps; ++w) t += pointwise_part[k][w][lane];
            v[k] = t;
        }
    }
}

template <typename T>
__device__ __forceinline__ void pointwise_colsum_fwd_body(const T* __restrict__ gy, T* __restrict__ gb,
                                                          int rows, int cols, double beta) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (long r0 = (long)blockIdx.x * 32; r0 < rows; r0 += (long)gridDim.x * 32) {   // block-uniform loop
        const long i = r0 + lane;
        double s[1] = {0.0};
        if (i < rows) {
            for (int c = warp; c < cols; c += warps) s[0] += (double)gy[(size_t)c * rows + i];
        }
        pointwise_fold_warps<1>(s);
        if (warp == 0 && i < rows) gb[i] = (T)((beta == 0.0 ? 0.0 : (double)gb[i]) + s[0]);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations.

template <typename T>
__device__ __forceinline__ void pointwise_act_fwd_body(const T* __restrict__ y, T* __restrict__ z,
                                                       int n, int act) {
    GS_GRID_STRIDE(e, n) z[e] = pointwise_act_apply<T>(act, y[e]);
}

// gy may alias gz: each element is read before it is written, by the same thread, so no __restrict__ on them.
template <typename T>
__device__ __forceinline__ void pointwise_act_bwd_body(const T* __restrict__ y, const T* __restrict__ z,
                                                       const T* gz, T* gy, int n, int act) {
    GS_GRID_STRIDE(e, n) gy[e] = pointwise_act_d1<T>(act, y[e], z[e]) * gz[e];
}

// In double for both dtypes, as the twin (act' R{G_z} and act'' R{y} G_z may cancel).
template <typename T>
__device__ __forceinline__ void pointwise_act_rop_body(const T* __restrict__ y, const T* __restrict__ z,
                                                       const T* __restrict__ ry, const T* __restrict__ gz,
                                                       const T* __restrict__ rgz, T* __restrict__ rgy,
                                                       int n, int act) {
    GS_GRID_STRIDE(e, n) {
        const double yv = (double)y[e], zv = (double)z[e];
        const double d1 = pointwise_act_d1<double>(act, yv, zv), d2 = pointwise_act_d2(act, zv);
        // (d1 R{G_z}) + ((d2 R{y}) G_z), in the twin's order and rounding
        rgy[e] = (T)__dadd_rn(__dmul_rn(d1, (double)rgz[e]), __dmul_rn(__dmul_rn(d2, (double)ry[e]), (double)gz[e]));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Layer normalization. All arithmetic in double (inputs widened, outputs rounded once), as the twin.

// Statistics of the column starting at o, returned to every thread of the block: mean, inv = (var + eps)^(-1/2)
// and, when R, R{mean} and R{inv}. Every thread of the block must call it (gs_block_sum synchronizes).
template <typename T, bool R>
__device__ __forceinline__ void pointwise_ln_stats(const T* __restrict__ y, const T* __restrict__ ry, size_t o,
                                                   int rows, double eps, double& mean, double& inv,
                                                   double& rmean, double& rinv) {
    double s = 0.0, rs = 0.0;
    for (int i = threadIdx.x; i < rows; i += blockDim.x) {
        s += (double)y[o + i];
        if (R) rs += (double)ry[o + i];
    }
    mean = gs_block_sum(s) / rows;
    if (R) rmean = gs_block_sum(rs) / rows;
    // second pass over d = y - mean, not E[y^2] - mean^2, which cancels for large offsets
    double v = 0.0, rv = 0.0;
    for (int i = threadIdx.x; i < rows; i += blockDim.x) {
        const double d = (double)y[o + i] - mean;
        v += d * d;
        if (R) rv += d * ((double)ry[o + i] - rmean);
    }
    inv = 1.0 / sqrt(gs_block_sum(v) / rows + eps);    // 1/sqrt (both correctly rounded), not rsqrt, as the twin
    if (R) {
        const double rvar = 2.0 * gs_block_sum(rv) / rows;
        rinv = -0.5 * inv * inv * inv * rvar;
    }
}

template <typename T>
__device__ __forceinline__ void pointwise_layernorm_fwd_body(const T* __restrict__ y, const T* __restrict__ gamma,
                                                             const T* __restrict__ beta, T* __restrict__ z,
                                                             int rows, int cols, double eps) {
    for (int c = blockIdx.x; c < cols; c += gridDim.x) {   // block-uniform: gs_block_sum needs every thread
        const size_t o = (size_t)c * rows;
        double mean, inv, unused0 = 0.0, unused1 = 0.0;
        pointwise_ln_stats<T, false>(y, y, o, rows, eps, mean, inv, unused0, unused1);
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            z[o + i] = (T)((double)gamma[i] * ((double)y[o + i] - mean) * inv + (double)beta[i]);
        }
    }
}

template <typename T>
__device__ __forceinline__ void pointwise_layernorm_fwdr_body(const T* __restrict__ y, const T* __restrict__ ry,
                                                              const T* __restrict__ gamma,
                                                              const T* __restrict__ vgamma,
                                                              const T* __restrict__ vbeta, T* __restrict__ rz,
                                                              int rows, int cols, double eps) {
    for (int c = blockIdx.x; c < cols; c += gridDim.x) {
        const size_t o = (size_t)c * rows;
        double mean, inv, rmean, rinv;
        pointwise_ln_stats<T, true>(y, ry, o, rows, eps, mean, inv, rmean, rinv);
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            const double d = (double)y[o + i] - mean;
            const double xhat = d * inv;
            const double rxhat = ((double)ry[o + i] - rmean) * inv + d * rinv;
            rz[o + i] = (T)((double)vgamma[i] * xhat + (double)gamma[i] * rxhat + (double)vbeta[i]);
        }
    }
}

// Per-column statistics for the backward passes: stats[c] = mean, stats[cols + c] = inv and, when withR,
// stats[2 cols + c] = R{mean}, stats[3 cols + c] = R{inv}. Without R, ry is not read (the host passes y).
template <typename T>
__device__ __forceinline__ void pointwise_lnstats_fwd_body(const T* __restrict__ y, const T* __restrict__ ry,
                                                           double* __restrict__ stats, int rows, int cols,
                                                           double eps, int withR) {
    for (int c = blockIdx.x; c < cols; c += gridDim.x) {
        const size_t o = (size_t)c * rows;
        double mean, inv, rmean = 0.0, rinv = 0.0;
        if (withR) {                                    // uniform over the grid
            pointwise_ln_stats<T, true>(y, ry, o, rows, eps, mean, inv, rmean, rinv);
        } else {
            pointwise_ln_stats<T, false>(y, y, o, rows, eps, mean, inv, rmean, rinv);
        }
        if (threadIdx.x == 0) {
            stats[c] = mean;
            stats[(size_t)cols + c] = inv;
            if (withR) {
                stats[2 * (size_t)cols + c] = rmean;
                stats[3 * (size_t)cols + c] = rinv;
            }
        }
    }
}

// G_gamma[i] = sum_c G_z xhat, G_beta[i] = sum_c G_z (overwritten); tiles as colsum.
template <typename T>
__device__ __forceinline__ void pointwise_lnparams_bwd_body(const T* __restrict__ y, const T* __restrict__ gz,
                                                            const double* __restrict__ stats,
                                                            T* __restrict__ ggamma, T* __restrict__ gbeta,
                                                            int rows, int cols) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (long r0 = (long)blockIdx.x * 32; r0 < rows; r0 += (long)gridDim.x * 32) {
        const long i = r0 + lane;
        double s[2] = {0.0, 0.0};
        if (i < rows) {
            for (int c = warp; c < cols; c += warps) {
                const size_t e = (size_t)c * rows + i;
                const double xhat = ((double)y[e] - stats[c]) * stats[(size_t)cols + c];
                const double g = (double)gz[e];
                s[0] += g * xhat;
                s[1] += g;
            }
        }
        pointwise_fold_warps<2>(s);
        if (warp == 0 && i < rows) {
            ggamma[i] = (T)s[0];
            gbeta[i] = (T)s[1];
        }
    }
}

// G_y = inv (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = G_z gamma; mean and inv from lnstats.
// dxhat is rounded on its own (__dmul_rn) so both passes use the same value: an FMA in dxhat - mean(dxhat) would
// leave the product's rounding error where the twin has an exact 0 (rows = 1, where G_y must vanish).
template <typename T>
__device__ __forceinline__ void pointwise_layernorm_bwd_body(const T* __restrict__ y, const T* __restrict__ gamma,
                                                             const T* gz, const double* __restrict__ stats,
                                                             T* gy, int rows, int cols) {
    for (int c = blockIdx.x; c < cols; c += gridDim.x) {
        const size_t o = (size_t)c * rows;
        const double mean = stats[c], inv = stats[(size_t)cols + c];
        double sd = 0.0, sdx = 0.0;
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            const double xhat = ((double)y[o + i] - mean) * inv;
            const double dxhat = __dmul_rn((double)gz[o + i], (double)gamma[i]);
            sd += dxhat;
            sdx += dxhat * xhat;
        }
        const double meanD = gs_block_sum(sd) / rows;
        const double meanDX = gs_block_sum(sdx) / rows;
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            const double xhat = ((double)y[o + i] - mean) * inv;
            const double dxhat = __dmul_rn((double)gz[o + i], (double)gamma[i]);
            gy[o + i] = (T)(inv * (dxhat - meanD - xhat * meanDX));
        }
    }
}

// R{G_gamma}[i] = sum_c (R{G_z} xhat + G_z R{xhat}), R{G_beta}[i] = sum_c R{G_z} (overwritten); tiles as colsum.
template <typename T>
__device__ __forceinline__ void pointwise_lnparams_bwdr_body(const T* __restrict__ y, const T* __restrict__ ry,
                                                             const T* __restrict__ gz, const T* __restrict__ rgz,
                                                             const double* __restrict__ stats,
                                                             T* __restrict__ rggamma, T* __restrict__ rgbeta,
                                                             int rows, int cols) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    const size_t n = (size_t)cols;
    for (long r0 = (long)blockIdx.x * 32; r0 < rows; r0 += (long)gridDim.x * 32) {
        const long i = r0 + lane;
        double s[2] = {0.0, 0.0};
        if (i < rows) {
            for (int c = warp; c < cols; c += warps) {
                const size_t e = (size_t)c * rows + i;
                const double mean = stats[c], inv = stats[n + c], rmean = stats[2 * n + c], rinv = stats[3 * n + c];
                const double d = (double)y[e] - mean;
                const double xhat = d * inv;
                const double rxhat = ((double)ry[e] - rmean) * inv + d * rinv;
                const double g = (double)gz[e], rg = (double)rgz[e];
                s[0] += rg * xhat + g * rxhat;
                s[1] += rg;
            }
        }
        pointwise_fold_warps<2>(s);
        if (warp == 0 && i < rows) {
            rggamma[i] = (T)s[0];
            rgbeta[i] = (T)s[1];
        }
    }
}

// R{G_y} = R{inv} (dx - A - xhat B) + inv (R{dx} - R{A} - R{xhat} B - xhat R{B}); statistics from lnstats (withR).
// dx and R{dx} are rounded on their own, so both passes use the same values (see layernorm_bwd).
template <typename T>
__device__ __forceinline__ void pointwise_layernorm_bwdr_body(const T* __restrict__ y, const T* __restrict__ ry,
                                                              const T* __restrict__ gamma,
                                                              const T* __restrict__ vgamma,
                                                              const T* __restrict__ gz, const T* __restrict__ rgz,
                                                              const double* __restrict__ stats,
                                                              T* __restrict__ rgy, int rows, int cols) {
    const size_t n = (size_t)cols;
    for (int c = blockIdx.x; c < cols; c += gridDim.x) {
        const size_t o = (size_t)c * rows;
        const double mean = stats[c], inv = stats[n + c], rmean = stats[2 * n + c], rinv = stats[3 * n + c];
        double sa = 0.0, sb = 0.0, sra = 0.0, srb = 0.0;
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            const double d = (double)y[o + i] - mean;
            const double xhat = d * inv;
            const double rxhat = ((double)ry[o + i] - rmean) * inv + d * rinv;
            const double g = (double)gz[o + i], rg = (double)rgz[o + i];
            const double dx = __dmul_rn(g, (double)gamma[i]);                     // dL/dxhat
            const double rdx = __dadd_rn(__dmul_rn(rg, (double)gamma[i]), __dmul_rn(g, (double)vgamma[i]));
            sa += dx;
            sb += dx * xhat;
            sra += rdx;
            srb += rdx * xhat + dx * rxhat;
        }
        const double a = gs_block_sum(sa) / rows;
        const double b = gs_block_sum(sb) / rows;
        const double ra = gs_block_sum(sra) / rows;
        const double rb = gs_block_sum(srb) / rows;
        for (int i = threadIdx.x; i < rows; i += blockDim.x) {
            const double d = (double)y[o + i] - mean;
            const double xhat = d * inv;
            const double rxhat = ((double)ry[o + i] - rmean) * inv + d * rinv;
            const double g = (double)gz[o + i], rg = (double)rgz[o + i];
            const double dx = __dmul_rn(g, (double)gamma[i]);
            const double rdx = __dadd_rn(__dmul_rn(rg, (double)gamma[i]), __dmul_rn(g, (double)vgamma[i]));
            const double inner = dx - a - xhat * b;
            const double rinner = rdx - ra - rxhat * b - xhat * rb;
            rgy[o + i] = (T)(rinv * inner + inv * rinner);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points, one per dtype.

#define POINTWISE_KERNELS(T, SUF)                                                                                    \
    extern "C" __global__ void pointwise_bias_fwd_##SUF(T* y, const T* bias, int rows, int cols) {                   \
        pointwise_bias_fwd_body<T>(y, bias, rows, cols);                                                             \
    }                                                                                                                \
    extern "C" __global__ void pointwise_colsum_fwd_##SUF(const T* gy, T* gb, int rows, int cols, double beta) {    \
        pointwise_colsum_fwd_body<T>(gy, gb, rows, cols, beta);                                                      \
    }                                                                                                                \
    extern "C" __global__ void pointwise_act_fwd_##SUF(const T* y, T* z, int n, int act) {                          \
        pointwise_act_fwd_body<T>(y, z, n, act);                                                                     \
    }                                                                                                                \
    extern "C" __global__ void pointwise_act_bwd_##SUF(const T* y, const T* z, const T* gz, T* gy, int n,           \
                                                       int act) {                                                    \
        pointwise_act_bwd_body<T>(y, z, gz, gy, n, act);                                                             \
    }                                                                                                                \
    extern "C" __global__ void pointwise_act_rop_##SUF(const T* y, const T* z, const T* ry, const T* gz,            \
                                                       const T* rgz, T* rgy, int n, int act) {                       \
        pointwise_act_rop_body<T>(y, z, ry, gz, rgz, rgy, n, act);                                                   \
    }                                                                                                                \
    extern "C" __global__ void pointwise_layernorm_fwd_##SUF(const T* y, const T* gamma, const T* beta, T* z,       \
                                                             int rows, int cols, double eps) {                       \
        pointwise_layernorm_fwd_body<T>(y, gamma, beta, z, rows, cols, eps);                                         \
    }                                                                                                                \
    extern "C" __global__ void pointwise_layernorm_fwdr_##SUF(const T* y, const T* ry, const T* gamma,              \
                                                              const T* vgamma, const T* vbeta, T* rz, int rows,      \
                                                              int cols, double eps) {                                \
        pointwise_layernorm_fwdr_body<T>(y, ry, gamma, vgamma, vbeta, rz, rows, cols, eps);                          \
    }                                                                                                                \
    extern "C" __global__ void pointwise_lnstats_fwd_##SUF(const T* y, const T* ry, double* stats, int rows,        \
                                                           int cols, double eps, int withR) {                        \
        pointwise_lnstats_fwd_body<T>(y, ry, stats, rows, cols, eps, withR);                                         \
    }                                                                                                                \
    extern "C" __global__ void pointwise_lnparams_bwd_##SUF(const T* y, const T* gz, const double* stats,           \
                                                            T* ggamma, T* gbeta, int rows, int cols) {               \
        pointwise_lnparams_bwd_body<T>(y, gz, stats, ggamma, gbeta, rows, cols);                                     \
    }                                                                                                                \
    extern "C" __global__ void pointwise_layernorm_bwd_##SUF(const T* y, const T* gamma, const T* gz,               \
                                                             const double* stats, T* gy, int rows, int cols) {       \
        pointwise_layernorm_bwd_body<T>(y, gamma, gz, stats, gy, rows, cols);                                        \
    }                                                                                                                \
    extern "C" __global__ void pointwise_lnparams_bwdr_##SUF(const T* y, const T* ry, const T* gz, const T* rgz,    \
                                                             const double* stats, T* rggamma, T* rgbeta, int rows,   \
                                                             int cols) {                                             \
        pointwise_lnparams_bwdr_body<T>(y, ry, gz, rgz, stats, rggamma, rgbeta, rows, cols);                         \
    }                                                                                                                \
    extern "C" __global__ void pointwise_layernorm_bwdr_##SUF(const T* y, const T* ry, const T* gamma,              \
                                                              const T* vgamma, const T* gz, const T* rgz,            \
                                                              const double* stats, T* rgy, int rows, int cols) {     \
        pointwise_layernorm_bwdr_body<T>(y, ry, gamma, vgamma, gz, rgz, stats, rgy, rows, cols);                     \
    }

POINTWISE_KERNELS(float, f32)
POINTWISE_KERNELS(double, f64)
