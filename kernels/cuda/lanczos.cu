// lanczos.cu: one classical Gram-Schmidt pass of w against the Lanczos basis Q (SCIENCE d.4), all fp64:
//   c_k = sum_i Q[k p + i] w_i (k < count);  w_i -= sum_k Q[k p + i] c_k;  returns |w|^2 afterwards.
// Layout: Q is count columns of length p, column k at [k p, (k+1) p); w has p elements; c has >= count.
// CPU twin: org.goldstone.backend.cpu.CpuLanczos.
// Launch: lanczos_project_f64 grid (gx, columns of this chunk), 256 threads: block (x, k) sums its grid-stride share of
// column k0 + k into partials[k gx + x]; lanczos_combine_f64 one thread per column adds its gx partials in order
// (deterministic) into c; lanczos_update_f64 grid-stride over i, all count coefficients per element (w read and
// written once per pass), one partial of |w|^2 per block, added on the host in block order.
// Measured: H200 (driver 580.159.04, CUDA 13.0), 2026-11-26: matches the CPU twin on every parity shape
// (benchmarks/gpu/cuda-check.sh); no per-kernel timing yet (the op-family JMH benchmarks come with the GPU-speed issue).
#include "common.cuh"

extern "C" __global__ void lanczos_project_f64(const double* __restrict__ q, const double* __restrict__ w,
                                               double* __restrict__ partials, int p, int k0) {
    const double* col = q + (long)(k0 + blockIdx.y) * p;
    double s = 0.0;
    GS_GRID_STRIDE(i, p) s += col[i] * w[i];
    s = gs_block_sum(s);
    if (threadIdx.x == 0) partials[(long)blockIdx.y * gridDim.x + blockIdx.x] = s;
}

extern "C" __global__ void lanczos_combine_f64(const double* __restrict__ partials, double* __restrict__ c,
                                               int gx, int k0, int columns) {
    GS_GRID_STRIDE(k, columns) {
        double s = 0.0;
        for (int x = 0; x < gx; ++x) s += partials[k * gx + x];
        c[k0 + k] = s;
    }
}

extern "C" __global__ void lanczos_update_f64(const double* __restrict__ q, const double* __restrict__ c,
                                              double* __restrict__ w, double* __restrict__ partials, int p,
                                              int count) {
    double sq = 0.0;
    GS_GRID_STRIDE(i, p) {
        double v = w[i];
        for (int k = 0; k < count; ++k) v -= q[(long)k * p + i] * c[k];
        w[i] = v;
        sq += v * v;
    }
    sq = gs_block_sum(sq);
    if (threadIdx.x == 0) partials[blockIdx.x] = sq;
}
