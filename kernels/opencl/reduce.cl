// reduce.cl: BLAS-1 over flat buffers (the parameter vector, its gradient, Lanczos vectors);
// one source for both backends: the OpenCL driver builds it at run time and nvcc compiles it into the fatbin through
// kernels/cuda/reduce.cu (kernels/common/portable.h).
//   dot = sum_i x_i y_i and sumsq = sum_i x_i^2, accumulated in acc_t: one partial per work-group, summed on the host
//   in group order (deterministic for a given launch); axpy y += alpha x and scale x *= alpha computed in acc_t and
//   rounded once to real_t (as the CPU twin does; FP_CONTRACT OFF keeps alpha x + y from becoming an FMA); fill;
//   convert between f32 and f64; the first non-finite index.
// Layout: contiguous vectors of n elements, each buffer a (pointer, element offset) pair.
// CPU twin: org.goldstone.backend.cpu.CpuReduce.
// Launch: work-groups of GS_LOCAL = 256, grid-stride; dot/sumsq use ClBackend.reductionGroups groups (one partial
// each), nonfinite at most MAX_PARTIALS / 2 groups (two partials each); convert only in the fp64 program.
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

// Minimum of v over the work-group (size GS_LOCAL), returned to every item; scratch holds GS_LOCAL ints.
GS_FN int reduce_group_min_int(int v, GS_LOCAL_PTR int* scratch) {
    const int l = get_local_id(0);
    scratch[l] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = GS_LOCAL / 2; s > 0; s >>= 1) {
        if (l < s) scratch[l] = min(scratch[l], scratch[l + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const int r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

__kernel void KNAME(reduce_dot)(__global const real_t* x, int xo, __global const real_t* y, int yo,
                                __global acc_t* partials, int po, int n) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    acc_t s = 0;
    GS_GRID_STRIDE(i, n) s += (acc_t)x[xo + i] * (acc_t)y[yo + i];
    s = gs_group_sum(s, scratch);
    if (get_local_id(0) == 0) partials[po + get_group_id(0)] = s;
}

__kernel void KNAME(reduce_sumsq)(__global const real_t* x, int xo, __global acc_t* partials, int po, int n) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    acc_t s = 0;
    GS_GRID_STRIDE(i, n) {
        const acc_t v = (acc_t)x[xo + i];
        s += v * v;
    }
    s = gs_group_sum(s, scratch);
    if (get_local_id(0) == 0) partials[po + get_group_id(0)] = s;
}

__kernel void KNAME(reduce_axpy)(acc_t alpha, __global const real_t* x, int xo, __global real_t* y, int yo, int n) {
    GS_GRID_STRIDE(i, n) y[yo + i] = (real_t)((acc_t)y[yo + i] + alpha * (acc_t)x[xo + i]);
}

__kernel void KNAME(reduce_scale)(acc_t alpha, __global real_t* x, int xo, int n) {
    GS_GRID_STRIDE(i, n) x[xo + i] = (real_t)(alpha * (acc_t)x[xo + i]);
}

__kernel void KNAME(reduce_fill)(__global real_t* x, int xo, acc_t value, int n) {
    const real_t v = (real_t)value;
    GS_GRID_STRIDE(i, n) x[xo + i] = v;
}

// Smallest index i with x[i] not finite, per work-group, written as two partials hi = i >> 12 and lo = i & 4095
// (both exact in acc_t even where acc_t is float, unlike i itself above 2^24); hi = +inf when the group found none.
// The host reads 2 groups partials and takes the smallest hi * 4096 + lo.
__kernel void KNAME(reduce_nonfinite)(__global const real_t* x, int xo, __global acc_t* partials, int po, int n) {
    GS_SHARED int scratch[GS_LOCAL];
    int first = INT_MAX;                                    // n <= INT_MAX, so no index equals it
    GS_GRID_STRIDE(i, n) {
        if (!isfinite(x[xo + i])) {
            first = (int)i;
            break;                                          // later i of this item are larger
        }
    }
    first = reduce_group_min_int(first, scratch);
    if (get_local_id(0) == 0) {
        const long g = po + 2 * (long)get_group_id(0);
        partials[g] = first == INT_MAX ? (acc_t)INFINITY : (acc_t)(first >> 12);
        partials[g + 1] = (acc_t)(first & 4095);
    }
}

#if GS_F64
// dst = src converted between precisions (f64 -> f32 rounds to nearest); both types exist only in the fp64 program.
__kernel void reduce_convert_f32_f64(__global const float* src, int srco, __global double* dst, int dsto, int n) {
    GS_GRID_STRIDE(i, n) dst[dsto + i] = (double)src[srco + i];
}

__kernel void reduce_convert_f64_f32(__global const double* src, int srco, __global float* dst, int dsto, int n) {
    GS_GRID_STRIDE(i, n) dst[dsto + i] = (float)src[srco + i];
}
#endif
