package org.goldstone.backend.cpu;

/**
 * The definition of the bf16 input rounding of {@code --gemm cublas-bf16} (kernel {@code bf16_from_f32} of
 * {@code kernels/cuda/bf16.cu}): fp32 to bf16, round to nearest, ties to even. bf16 is the top half of an fp32 bit
 * pattern: sign, the 8-bit exponent and 7 stored mantissa bits (8 significant bits, unit roundoff 2^-8), so
 * subnormals stay subnormal, values past the largest bf16 (0x1.fep127) by half an ulp or more round to infinity, and
 * every NaN becomes the canonical NaN 0x7fff (CUDART_NAN_BF16).
 */
final class Bf16 {
    /** The canonical bf16 NaN, as cuda_bf16.h defines it. */
    static final short NAN = 0x7fff;

    private Bf16() {
    }

    /** The bf16 bit pattern nearest to x, ties to the even pattern. */
    static short round(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return NAN;
        }
        // adding 0x7fff rounds the dropped 16 bits up only above one half; the kept lsb breaks the tie towards even;
        // a carry out of the mantissa bumps the exponent, which is the correct rounding (up to infinity at the top)
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** The fp32 value of a bf16 bit pattern (exact: the pattern becomes the upper half of an fp32). */
    static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** x rounded to bf16, as an fp32 value: what the cuBLAS bf16 GEMM multiplies in place of x. */
    static float roundToFloat(float x) {
        return toFloat(round(x));
    }
}
