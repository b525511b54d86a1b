// portable.h: the few words that differ between the CUDA and OpenCL dialects, so that formula-heavy device code is
// written once (kernels/common) and compiled by nvcc into the fatbin and by the OpenCL driver at run time.
//   GS_FN        a device helper function (inline)
//   gs_real      the type of the formulas: double in CUDA; acc_t in OpenCL (double where the device has fp64)
//   GS_MUL(a, b) a product rounded on its own, never contracted into a fused multiply-add (the Java twins round
//                every product; in cancelling expressions an FMA moves results by far more than an ulp)
//   GS_NAN       a quiet NaN
#pragma once
#if defined(__OPENCL_VERSION__) || defined(__OPENCL_C_VERSION__)
#pragma OPENCL FP_CONTRACT OFF
#define GS_FN inline
#define gs_real acc_t
#define GS_MUL(a, b) ((a) * (b))
#define GS_NAN ((gs_real)NAN)
#else
#define GS_FN __device__ __forceinline__
#define gs_real double
#define GS_MUL(a, b) __dmul_rn((a), (b))
#define GS_NAN nan("")
#endif
