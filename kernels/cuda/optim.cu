// optim.cu: fused optimizer updates over the flat parameter vector, element i:
//   sgd:      theta -= lr g
//   momentum: v = mu v + g;  theta -= lr (nesterov ? g + mu v : v)                      (PyTorch convention)
//   adam:     m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//             theta = theta keep - lr (m / c1) / (sqrt(v / c2) + eps),  keep = 1 - lr decay  (AdamW when decay > 0)
//             with c1 = 1 - b1^t, c2 = 1 - b2^t and keep computed once on the host in double, as the twin does.
// Layout: theta, g, m, v are flat vectors of n elements of one dtype. Arithmetic in double, rounded on store; the
// m and v that enter the theta update are the unrounded doubles, as in the twin.
// CPU twin: org.goldstone.backend.cpu.CpuOptim.  Launch: block 256, grid blocksFor(n, 256), grid-stride.
// Every + - * goes through a _rn intrinsic: nvcc would otherwise contract a*b + c into an FMA, and with the same
// order and the same rounding per operation (IEEE / and sqrt in double) the update is bit-identical to the twin.
// Measured: H200 (driver 580.159.04, CUDA 13.0), 2026-11-26: matches the CPU twin on every parity shape
// (benchmarks/gpu/cuda-check.sh); no per-kernel timing yet (the op-family JMH benchmarks come with the GPU-speed issue).
#include "common.cuh"

template <typename T>
__device__ void optim_sgd_body(T* __restrict__ theta, const T* __restrict__ g, int n, double lr) {
    GS_GRID_STRIDE(i, n) theta[i] = (T)__dsub_rn((double)theta[i], __dmul_rn(lr, (double)g[i]));
}

template <typename T>
__device__ void optim_momentum_body(T* __restrict__ theta, const T* __restrict__ g, T* __restrict__ v, int n,
                                    double lr, double mu, int nesterov) {
    GS_GRID_STRIDE(i, n) {
        const double gi = (double)g[i];
        const double vi = __dadd_rn(__dmul_rn(mu, (double)v[i]), gi);
        v[i] = (T)vi;
        const double step = nesterov ? __dadd_rn(gi, __dmul_rn(mu, vi)) : vi;
        theta[i] = (T)__dsub_rn((double)theta[i], __dmul_rn(lr, step));
    }
}

template <typename T>
__device__ void optim_adam_body(T* __restrict__ theta, const T* __restrict__ g, T* __restrict__ m,
                                T* __restrict__ v, int n, double lr, double beta1, double beta2, double eps,
                                double c1, double c2, double keep) {
    const double ob1 = 1.0 - beta1, ob2 = 1.0 - beta2;
    GS_GRID_STRIDE(i, n) {
        const double gi = (double)g[i];
        const double mi = __dadd_rn(__dmul_rn(beta1, (double)m[i]), __dmul_rn(ob1, gi));
        const double vi = __dadd_rn(__dmul_rn(beta2, (double)v[i]), __dmul_rn(__dmul_rn(ob2, gi), gi));
        m[i] = (T)mi;
        v[i] = (T)vi;
        const double den = __dadd_rn(sqrt(vi / c2), eps);
        const double step = __dmul_rn(lr, mi / c1) / den;
        theta[i] = (T)__dsub_rn(__dmul_rn((double)theta[i], keep), step);
    }
}

#define GS_OPTIM(T, SUF)                                                                                            \
    extern "C" __global__ void optim_sgd_##SUF(T* __restrict__ theta, const T* __restrict__ g, int n, double lr) { \
        optim_sgd_body<T>(theta, g, n, lr);                                                                         \
    }                                                                                                                \
    extern "C" __global__ void optim_momentum_##SUF(T* __restrict__ theta, const T* __restrict__ g,                 \
                                                    T* __restrict__ v, int n, double lr, double mu, int nesterov) { \
        optim_momentum_body<T>(theta, g, v, n, lr, mu, nesterov);                                                   \
    }                                                                                                                \
    extern "C" __global__ void optim_adam_##SUF(T* __restrict__ theta, const T* __restrict__ g, T* __restrict__ m,  \
                                                T* __restrict__ v, int n, double lr, double beta1, double beta2,    \
                                                double eps, double c1, double c2, double keep) {                    \
        optim_adam_body<T>(theta, g, m, v, n, lr, beta1, beta2, eps, c1, c2, keep);                                 \
    }

GS_OPTIM(float, f32)
GS_OPTIM(double, f64)
#undef GS_OPTIM
