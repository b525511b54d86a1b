// common.h: shared helpers of every op family (OpenCL C; nvcc compiles the same through kernels/common/portable.h,
// included in each family's namespace by kernels/cuda/<family>.cu). The engine concatenates kernels/common/*.h, this
// file and the family files into one OpenCL program and builds it twice: GS_F64 = 0 gives the _f32 kernels, GS_F64 = 1
// the _f64 ones (only where the device reports cl_khr_fp64). GS_HAS_FP64 says whether doubles exist at all: sums,
// scalars (acc_t) and the partials of reductions are double then, else float.
// Conventions: every buffer argument is (pointer, int offset in elements), because DeviceBuffer views have
// arbitrary offsets and OpenCL sub-buffers must be aligned; kernel names are KNAME(<family>_<pass>) =
// <family>_<pass>_f32 / _f64, the same names as kernels/cuda; one-dimensional launches use work-groups of
// GS_LOCAL items and grid-stride loops, so the host may cap the global size without changing results.
#if GS_HAS_FP64
#ifdef __OPENCL_VERSION__
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef double acc_t;
#else
typedef float acc_t;
#endif

#undef KNAME
#if GS_F64
typedef double real_t;
#define KNAME(n) n##_f64
#else
typedef float real_t;
#define KNAME(n) n##_f32
#endif

#define GS_LOCAL 256

// Grid-stride loop over [0, n).
#define GS_GRID_STRIDE(i, n) for (long i = get_global_id(0); i < (long)(n); i += get_global_size(0))

// Sum of v over the work-group (size GS_LOCAL), returned to every item; scratch holds GS_LOCAL values.
// Fixed tree order: deterministic for a given launch shape.
GS_FN acc_t gs_group_sum(acc_t v, GS_LOCAL_PTR acc_t* scratch) {
    const int l = get_local_id(0);
    scratch[l] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = GS_LOCAL / 2; s > 0; s >>= 1) {
        if (l < s) scratch[l] += scratch[l + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const acc_t r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

// Maximum of v over the work-group (same rules as gs_group_sum).
GS_FN acc_t gs_group_max(acc_t v, GS_LOCAL_PTR acc_t* scratch) {
    const int l = get_local_id(0);
    scratch[l] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = GS_LOCAL / 2; s > 0; s >>= 1) {
        if (l < s) scratch[l] = fmax(scratch[l], scratch[l + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const acc_t r = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}
