// portable.h: one kernel source for two dialects. Every op family is written once, in OpenCL C
// (kernels/opencl/<family>.cl): the OpenCL driver builds it at run time, and nvcc compiles the same file into the
// fatbin through kernels/cuda/<family>.cu, which includes it once per element type. This header supplies the words
// that differ:
//   GS_FN            a device helper function (inline)
//   GS_FORMULA       a helper of pure arithmetic (radial.h): as GS_FN, and in CUDA also a host function, so that
//                    host-side checks (native/epilogue_check.cu) run the same formulas
//   GS_SHARED        a work-group (block) local array declaration: __local / __shared__
//   GS_LOCAL_PTR     the address space of a pointer parameter into such an array: __local / nothing
//   GS_REQD_WG(...)  OpenCL's required work-group size (CUDA: nothing; the host launches that shape)
//   gs_real          the type of the shared formulas (radial.h): acc_t in OpenCL, double in CUDA
//   GS_MUL(a, b)     a product never contracted into a fused multiply-add (the Java twins round every product)
//   GS_NAN           a quiet NaN
// and, for CUDA, the OpenCL built-ins the kernels use (__kernel, __global, get_*_id, barrier). Both dialects compile
// without floating-point contraction (OpenCL: FP_CONTRACT OFF below; nvcc: -fmad=false in native/Makefile), so a
// kernel rounds exactly as its CPU twin does; kernels that want fused multiply-adds (the GEMM) call fma().
#pragma once
#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)
#pragma OPENCL FP_CONTRACT OFF
#define GS_FN inline
#define GS_FORMULA inline
#define GS_SHARED __local
#define GS_LOCAL_PTR __local
#define GS_REQD_WG(x, y, z) __attribute__((reqd_work_group_size(x, y, z)))
#define gs_real acc_t
#define GS_MUL(a, b) ((a) * (b))
#define GS_NAN ((gs_real)NAN)
#else
#include <climits>
#define GS_FN __device__ __forceinline__
#define GS_FORMULA __host__ __device__ __forceinline__
#define GS_SHARED __shared__
#define GS_LOCAL_PTR
#define GS_REQD_WG(x, y, z)
#define gs_real double
#ifdef __CUDA_ARCH__
#define GS_MUL(a, b) __dmul_rn((a), (b))
#else
#define GS_MUL(a, b) ((a) * (b))                    // host code: native/Makefile passes -ffp-contract=off
#endif
#define GS_NAN nan("")
// OpenCL C on CUDA
#define __kernel extern "C" __global__
#define __global
#define CLK_LOCAL_MEM_FENCE 1
__device__ __forceinline__ void barrier(int) { __syncthreads(); }
__device__ __forceinline__ long get_local_id(int d) { return d == 0 ? threadIdx.x : d == 1 ? threadIdx.y : threadIdx.z; }
__device__ __forceinline__ long get_local_size(int d) { return d == 0 ? blockDim.x : d == 1 ? blockDim.y : blockDim.z; }
__device__ __forceinline__ long get_group_id(int d) { return d == 0 ? blockIdx.x : d == 1 ? blockIdx.y : blockIdx.z; }
__device__ __forceinline__ long get_num_groups(int d) { return d == 0 ? gridDim.x : d == 1 ? gridDim.y : gridDim.z; }
__device__ __forceinline__ long get_global_id(int d) { return get_group_id(d) * get_local_size(d) + get_local_id(d); }
__device__ __forceinline__ long get_global_size(int d) { return get_num_groups(d) * get_local_size(d); }
#endif
