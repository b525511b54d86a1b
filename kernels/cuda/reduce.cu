// reduce.cu: BLAS-1 over flat buffers (the parameter vector, its gradient, Lanczos vectors).
//   dot = sum_i x_i y_i and sumsq = sum_i x_i^2, accumulated in double: one partial per block, summed on the host in
//   block order (deterministic for a given grid); axpy y += alpha x and scale x *= alpha computed in double and
//   rounded once to T (as the CPU twin does); fill; convert between f32 and f64; the first non-finite index (two
//   partials per block).
// Layout: contiguous vectors of n elements.
// CPU twin: org.goldstone.backend.cpu.CpuReduce.
// Launch: 256 threads, grid-stride; reductions use at most CudaBackend.MAX_PARTIALS blocks (4 per SM).
// Measured: H200 (driver 580.159.04, CUDA 13.0), 2026-11-26: matches the CPU twin on every parity shape
// (benchmarks/gpu/cuda-check.sh); no per-kernel timing yet (the op-family JMH benchmarks come with the GPU-speed issue).
#include "common.cuh"

template <typename T>
__device__ void reduce_dot_body(const T* __restrict__ x, const T* __restrict__ y, double* __restrict__ partials,
                                int n) {
    double s = 0.0;
    GS_GRID_STRIDE(i, n) s += (double)x[i] * (double)y[i];
    s = gs_block_sum(s);
    if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

template <typename T>
__device__ void reduce_sumsq_body(const T* __restrict__ x, double* __restrict__ partials, int n) {
    double s = 0.0;
    GS_GRID_STRIDE(i, n) { const double v = (double)x[i]; s += v * v; }
    s = gs_block_sum(s);
    if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

template <typename T>
__device__ void reduce_axpy_body(double alpha, const T* __restrict__ x, T* __restrict__ y, int n) {
    // __dmul_rn/__dadd_rn: no fused multiply-add, so the rounding matches the twin bit for bit
    GS_GRID_STRIDE(i, n) y[i] = (T)__dadd_rn((double)y[i], __dmul_rn(alpha, (double)x[i]));
}

template <typename T>
__device__ void reduce_scale_body(double alpha, T* __restrict__ x, int n) {
    GS_GRID_STRIDE(i, n) x[i] = (T)(alpha * (double)x[i]);
}

template <typename T>
__device__ void reduce_fill_body(T* __restrict__ x, double value, int n) {
    GS_GRID_STRIDE(i, n) x[i] = (T)value;
}

// Smallest index i with x[i] not finite, per block, as two exact parts i >> 12 and i & 4095 in partials[2b] and
// partials[2b + 1] (+inf in the first when the block found none): the same layout as reduce.cl, whose partials are
// float on a device without fp64, where one float could not hold an index above 2^24.
template <typename T>
__device__ void reduce_nonfinite_body(const T* __restrict__ x, double* __restrict__ partials, int n) {
    double first = INFINITY;
    GS_GRID_STRIDE(i, n) {
        if (!isfinite((double)x[i])) { first = (double)i; break; }   // later i of this thread are larger
    }
    first = -gs_block_max(-first);
    if (threadIdx.x == 0) {
        const long i = isinf(first) ? 0 : (long)first;
        partials[2 * blockIdx.x] = isinf(first) ? INFINITY : (double)(i >> 12);
        partials[2 * blockIdx.x + 1] = (double)(i & 4095);
    }
}

#define REDUCE_KERNELS(T, SUF)                                                                                \
    extern "C" __global__ void reduce_dot_##SUF(const T* __restrict__ x, const T* __restrict__ y,             \
                                                double* __restrict__ partials, int n) {                       \
        reduce_dot_body<T>(x, y, partials, n);                                                                \
    }                                                                                                         \
    extern "C" __global__ void reduce_sumsq_##SUF(const T* __restrict__ x, double* __restrict__ partials,     \
                                                  int n) {                                                    \
        reduce_sumsq_body<T>(x, partials, n);                                                                 \
    }                                                                                                         \
    extern "C" __global__ void reduce_axpy_##SUF(double alpha, const T* __restrict__ x, T* __restrict__ y,    \
                                                 int n) {                                                     \
        reduce_axpy_body<T>(alpha, x, y, n);                                                                  \
    }                                                                                                         \
    extern "C" __global__ void reduce_scale_##SUF(double alpha, T* __restrict__ x, int n) {                   \
        reduce_scale_body<T>(alpha, x, n);                                                                    \
    }                                                                                                         \
    extern "C" __global__ void reduce_fill_##SUF(T* __restrict__ x, double value, int n) {                    \
        reduce_fill_body<T>(x, value, n);                                                                     \
    }                                                                                                         \
    extern "C" __global__ void reduce_nonfinite_##SUF(const T* __restrict__ x, double* __restrict__ partials, \
                                                      int n) {                                                \
        reduce_nonfinite_body<T>(x, partials, n);                                                             \
    }
REDUCE_KERNELS(float, f32)
REDUCE_KERNELS(double, f64)

// dst = src converted between precisions (f64 -> f32 rounds to nearest).
extern "C" __global__ void reduce_convert_f32_f64(const float* __restrict__ src, double* __restrict__ dst, int n) {
    GS_GRID_STRIDE(i, n) dst[i] = (double)src[i];
}

extern "C" __global__ void reduce_convert_f64_f32(const double* __restrict__ src, float* __restrict__ dst, int n) {
    GS_GRID_STRIDE(i, n) dst[i] = (float)src[i];
}
