// bf16.cu: y[e] = bf16(x[e]) for 0 <= e < count, rounded to nearest, ties to even: the input conversion of the cuBLAS
// bf16 GEMM (--gemm cublas-bf16, CublasGemm Mode.BF16), which then multiplies the bf16 copies with fp32 accumulation.
// CUDA only. Layout: flat; x is count fp32 values, y count bf16 values (2 bytes each, packed).
// bf16 keeps fp32's sign and 8-bit exponent and the top 7 of its 23 stored mantissa bits (8 significant bits, unit
// roundoff 2^-8). Subnormals are rounded, not flushed (the Makefile builds without -ftz); values past the largest bf16
// round to infinity; every NaN becomes the canonical NaN 0x7fff (CUDART_NAN_BF16), written explicitly so that the
// result does not depend on what cvt.rn.bf16.f32 does with NaN payloads.
// CPU twin: org.goldstone.backend.cpu.Bf16.round.  Launch: block 256, grid-stride (CublasGemm.toBf16).
// Measured: not yet timed (a streaming conversion: 6 bytes per element).
#include <cuda_bf16.h>

extern "C" __global__ void bf16_from_f32(long count, const float* __restrict__ x, __nv_bfloat16* __restrict__ y) {
    for (long e = blockIdx.x * (long) blockDim.x + threadIdx.x; e < count; e += (long) gridDim.x * blockDim.x) {
        const float v = x[e];
        y[e] = isnan(v) ? __ushort_as_bfloat16((unsigned short) 0x7fffU) : __float2bfloat16_rn(v);
    }
}
