// norm_act.cu: the norm nonlinearity f(y) = h(q) y, q = |y|^2 per unit (SCIENCE a.3), and its derivatives:
//   fwd     z = h y
//   bwd     G_y = h G + 2 h' (y.G) y                                         (G = G_z, a.8)
//   rop     R{G_y} = h R{G} + c_y y + 2 h' (y.w) G + 2 h' (y.G) w,           (w = R{y}, d.1)
//           c_y = 2 h' (y.R{G}) + 4 h'' (y.w)(y.G) + 2 h' (w.G)
//   bwdrop  bwd and rop in one pass (the Hessian-vector product needs both).
// Layout (UnitShape): component a of unit (j, b) at (b*k + a)*channels + j; unit u = b*channels + j.
// One thread per unit; neighbouring threads take neighbouring j, so every component load and store coalesces.
// Sums and h, h', h'' in double (radial.cuh), stored as T. Products that feed an add are __dmul_rn (never fused
// into an FMA), in the CPU twin's operation order, so the result rounds as the twin's plain Java does.
// Aliasing: a thread reads all of its unit before writing any of it, and reads element i again right before
// writing element i, so in-place calls (gy == gz, rgy == rgz) are safe; no __restrict__, on purpose.
// CPU twin: org.goldstone.backend.cpu.CpuNormAct. Launch: block 256, grid-stride over units (CudaNormAct).
// Measured: H200 (driver 580.159.04, CUDA 13.0), 2026-11-26: matches the CPU twin on every parity shape
// (benchmarks/gpu/cuda-check.sh); no per-kernel timing yet (the op-family JMH benchmarks come with the GPU-speed issue).
#include "common.cuh"
#include "radial.cuh"

// First element of unit u; component a sits at the result + a*channels.
__device__ __forceinline__ long norm_act_base(long u, int channels, int k) {
    const int ui = (int)u;                               // units = channels*batch fits an int (buffer lengths do)
    const int b = ui / channels, j = ui - b * channels;
    return (long)b * k * channels + j;
}

template <typename T>
__device__ __forceinline__ void norm_act_fwd_body(const T* y, T* z, int channels, int units, int k, int profile,
                                                  double ca, double cb) {
    GS_GRID_STRIDE(u, units) {
        const long base = norm_act_base(u, channels, k);
        double q = 0.0;
        for (int a = 0; a < k; ++a) {
            const double v = (double)y[base + (long)a * channels];
            q += __dmul_rn(v, v);
        }
        const double h = gs_radial_h(profile, q, ca, cb);
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            z[i] = (T)(h * (double)y[i]);
        }
    }
}

// gy may alias gz: the first loop only reads, the second reads element i before it writes element i.
template <typename T>
__device__ __forceinline__ void norm_act_bwd_body(const T* y, const T* gz, T* gy, int channels, int units, int k,
                                                  int profile, double ca, double cb) {
    GS_GRID_STRIDE(u, units) {
        const long base = norm_act_base(u, channels, k);
        double q = 0.0, dot = 0.0;                       // |y|^2 and y . G_z
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const double v = (double)y[i];
            q += __dmul_rn(v, v);
            dot += __dmul_rn(v, (double)gz[i]);
        }
        const double h = gs_radial_h(profile, q, ca, cb);
        const double c = 2.0 * gs_radial_dh(profile, q, ca, cb) * dot;   // 2 h' (y . G_z)
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const double g = (double)gz[i], v = (double)y[i];
            gy[i] = (T)(__dmul_rn(h, g) + __dmul_rn(c, v));
        }
    }
}

// R{G_y} into rgy and, when WITH_GY, G_y = h G + 2 h' (y.G) y into gy (the twin's backwardAndRop; rop passes
// gy = nullptr and never touches it).
template <typename T, bool WITH_GY>
__device__ __forceinline__ void norm_act_rop_body(const T* y, const T* ry, const T* gz, const T* rgz, T* gy, T* rgy,
                                                  int channels, int units, int k, int profile, double ca,
                                                  double cb) {
    GS_GRID_STRIDE(u, units) {
        const long base = norm_act_base(u, channels, k);
        double q = 0.0, yw = 0.0, yg = 0.0, wg = 0.0, yrg = 0.0;
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const double yv = (double)y[i], wv = (double)ry[i], gv = (double)gz[i];
            q += __dmul_rn(yv, yv);
            yw += __dmul_rn(yv, wv);
            yg += __dmul_rn(yv, gv);
            wg += __dmul_rn(wv, gv);
            yrg += __dmul_rn(yv, (double)rgz[i]);
        }
        const double h = gs_radial_h(profile, q, ca, cb);
        const double dh = gs_radial_dh(profile, q, ca, cb);
        const double d2h = gs_radial_d2h(profile, q, ca, cb);
        const double cy = __dmul_rn(2.0 * dh, yrg) + __dmul_rn(4.0 * d2h * yw, yg) + __dmul_rn(2.0 * dh, wg);
        const double cg = 2.0 * dh * yw;                 // coefficient of G
        const double cw = 2.0 * dh * yg;                 // of w; also 2 h' (y.G), the y coefficient of G_y
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const double yv = (double)y[i], wv = (double)ry[i], gv = (double)gz[i], rgv = (double)rgz[i];
            rgy[i] = (T)(__dmul_rn(h, rgv) + __dmul_rn(cy, yv) + __dmul_rn(cg, gv) + __dmul_rn(cw, wv));
            if constexpr (WITH_GY) gy[i] = (T)(__dmul_rn(h, gv) + __dmul_rn(cw, yv));
        }
    }
}

// C linkage cannot be templated: one wrapper per dtype. Scalars: channels, units = channels*batch, k, the profile
// ordinal, then its constants a, b.
#define NORM_ACT_KERNELS(T, SUF)                                                                                  \
    extern "C" __global__ void norm_act_fwd_##SUF(const T* y, T* z, int channels, int units, int k, int profile, \
                                                  double a, double b) {                                         \
        norm_act_fwd_body<T>(y, z, channels, units, k, profile, a, b);                                          \
    }                                                                                                            \
    extern "C" __global__ void norm_act_bwd_##SUF(const T* y, const T* gz, T* gy, int channels, int units, int k, \
                                                  int profile, double a, double b) {                            \
        norm_act_bwd_body<T>(y, gz, gy, channels, units, k, profile, a, b);                                     \
    }                                                                                                            \
    extern "C" __global__ void norm_act_rop_##SUF(const T* y, const T* ry, const T* gz, const T* rgz, T* rgy,     \
                                                  int channels, int units, int k, int profile, double a,        \
                                                  double b) {                                                   \
        norm_act_rop_body<T, false>(y, ry, gz, rgz, nullptr, rgy, channels, units, k, profile, a, b);           \
    }                                                                                                            \
    extern "C" __global__ void norm_act_bwdrop_##SUF(const T* y, const T* ry, const T* gz, const T* rgz, T* gy,   \
                                                     T* rgy, int channels, int units, int k, int profile,        \
                                                     double a, double b) {                                      \
        norm_act_rop_body<T, true>(y, ry, gz, rgz, gy, rgy, channels, units, k, profile, a, b);                 \
    }

NORM_ACT_KERNELS(float, f32)
NORM_ACT_KERNELS(double, f64)
