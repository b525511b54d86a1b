// lanczos.cl: one classical Gram-Schmidt pass of w against the Lanczos basis Q (SCIENCE d.4), all fp64;
// one source for both backends: the OpenCL driver builds it at run time and nvcc compiles it into the fatbin through
// kernels/cuda/lanczos.cu (kernels/common/portable.h):
//   c_k = sum_i Q[k p + i] w_i (k < count);  w_i -= sum_k Q[k p + i] c_k;  returns |w|^2 afterwards.
// Layout: Q is count columns of length p, column k at [k p, (k+1) p); w has p elements; c has >= count; every buffer
// a (pointer, element offset) pair.
// CPU twin: org.goldstone.backend.cpu.CpuLanczos.
// Launch: lanczos_project_f64 2-D, (gx, columns of this chunk) work-groups of (256, 1): group (x, k) sums its
// grid-stride share of column k0 + k into partials[k gx + x]; lanczos_combine_f64 one item per column adds its gx
// partials in order (deterministic) into c; lanczos_update_f64 grid-stride over i, all count coefficients per
// element (w read and written once per pass), one partial of |w|^2 per group, added on the host in group order.
// Only in the fp64 program (acc_t is double there, so the partials are double).
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

#if GS_F64
__kernel void lanczos_project_f64(__global const double* q, int qo, __global const double* w, int wo,
                                  __global double* partials, int po, int p, int k0) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    // dimension 1 is the column; the grid-stride runs over dimension 0 only (GS_GRID_STRIDE uses dimension 0)
    const long col = qo + (long)(k0 + get_group_id(1)) * p;
    double s = 0.0;
    GS_GRID_STRIDE(i, p) s += q[col + i] * w[wo + i];
    s = gs_group_sum(s, scratch);
    if (get_local_id(0) == 0) partials[po + (long)get_group_id(1) * get_num_groups(0) + get_group_id(0)] = s;
}

__kernel void lanczos_combine_f64(__global const double* partials, int po, __global double* c, int co, int gx,
                                  int k0, int columns) {
    GS_GRID_STRIDE(k, columns) {
        double s = 0.0;
        for (int x = 0; x < gx; ++x) s += partials[po + k * gx + x];
        c[co + k0 + k] = s;
    }
}

__kernel void lanczos_update_f64(__global const double* q, int qo, __global const double* c, int co,
                                 __global double* w, int wo, __global double* partials, int po, int p, int count) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    double sq = 0.0;
    GS_GRID_STRIDE(i, p) {
        double v = w[wo + i];
        for (int k = 0; k < count; ++k) v -= q[qo + (long)k * p + i] * c[co + k];
        w[wo + i] = v;
        sq += v * v;
    }
    sq = gs_group_sum(sq, scratch);
    if (get_local_id(0) == 0) partials[po + get_group_id(0)] = sq;
}
#endif
