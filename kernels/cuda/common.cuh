// common.cuh: shared device helpers for every op family (included once per family file; the native build
// compiles all families as one translation unit, so everything here is inline or a macro).
// Conventions (STYLE 2.2): kernels are extern "C" <family>_<pass>_<dtype>; scalar arguments are passed as double
// and converted to the element type T inside the kernel; lengths are int (DeviceBuffer lengths are int).
// Grid-stride loops everywhere, so the host may cap the grid (CudaBackend.grid) without changing results.
#pragma once

#define GS_GRID_STRIDE(i, n) \
    for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (long)(n); i += (long)gridDim.x * blockDim.x)

// Sum of v over the block, returned to every thread. blockDim.x must be a multiple of 32 and at most 1024.
// Fixed shuffle order, so the result is deterministic for a given launch configuration.
__device__ __forceinline__ double gs_block_sum(double v) {
    __shared__ double gs_warp_sums[32];
    for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    __syncthreads();                                   // gs_warp_sums may still be read by a previous call
    if (lane == 0) gs_warp_sums[warp] = v;
    __syncthreads();
    double s = 0.0;
    if (warp == 0) {
        s = lane < warps ? gs_warp_sums[lane] : 0.0;
        for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
        if (lane == 0) gs_warp_sums[0] = s;
    }
    __syncthreads();
    return gs_warp_sums[0];
}

// Maximum of v over the block, returned to every thread (same rules as gs_block_sum).
__device__ __forceinline__ double gs_block_max(double v) {
    __shared__ double gs_warp_max[32];
    for (int off = 16; off > 0; off >>= 1) v = fmax(v, __shfl_down_sync(0xffffffffu, v, off));
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    __syncthreads();
    if (lane == 0) gs_warp_max[warp] = v;
    __syncthreads();
    if (warp == 0) {
        double s = lane < warps ? gs_warp_max[lane] : -INFINITY;
        for (int off = 16; off > 0; off >>= 1) s = fmax(s, __shfl_down_sync(0xffffffffu, s, off));
        if (lane == 0) gs_warp_max[0] = s;
    }
    __syncthreads();
    return gs_warp_max[0];
}

// Entry points: each family writes a __device__ template body and one extern "C" __global__ wrapper per dtype
// (C linkage cannot be templated), e.g.
//   #define GS_DOT(T, SUF) extern "C" __global__ void reduce_dot_##SUF(const T* x, ...) { reduce_dot_body<T>(x, ...); }
//   GS_DOT(float, f32) GS_DOT(double, f64)
