// radial.h: the radial profiles h(q), h'(q), h''(q) of the norm nonlinearity f(y) = h(q) y, q = |y|^2
// (SCIENCE a.3), in double, for any family that applies one (norm_act, the equiv_linear epilogue).
// Port of org.goldstone.layer.RadialProfile: profile is RadialProfile.ordinal(), a and b its shape constants
// (GATE slope a, offset b; MODRELU radius bias b; CUBIC mu = b). Same branches, thresholds, series coefficients
// and operation order as the Java, so a parity test sees only the last-ulp differences of tanh, exp and pow
// (sqrt and division are correctly rounded on both sides). Products that feed an add are written GS_MUL (portable.h), never
// contracted into an FMA: the Java rounds the product first, and in the cancelling expression r s - t an
// FMA would move the result by far more than an ulp of it.
// Shared by both backends (kernels/cuda/*.cu include it; the OpenCL program concatenates it); header only.
#pragma once
#include "portable.h"


// RadialProfile.ordinal()
#define GS_RADIAL_ALG 0
#define GS_RADIAL_RTANH 1
#define GS_RADIAL_GATE 2
#define GS_RADIAL_MODRELU 3
#define GS_RADIAL_PHASE 4
#define GS_RADIAL_CUBIC 5

// Below this q, RTANH uses its Taylor series (RadialProfile.SERIES_Q; max rel. error 2.5e-12, SCIENCE a.3).
#define GS_RADIAL_SERIES_Q 1e-2

// RadialProfile.sigmoid: the branch keeps exp's argument <= 0, so neither side overflows.
GS_FORMULA gs_real gs_radial_sigmoid(gs_real x) {
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    const gs_real e = exp(x);
    return e / (1.0 + e);
}

GS_FORMULA gs_real gs_radial_h(int profile, gs_real q, gs_real a, gs_real b) {
    switch (profile) {
        case GS_RADIAL_ALG:
            return 1.0 / sqrt(1.0 + q);
        case GS_RADIAL_RTANH: {
            if (q < GS_RADIAL_SERIES_Q) {                // series below 1e-2 avoids the 0/0 cancellation of tanh(r)/r
                return 1.0 + GS_MUL(q, -1.0 / 3 + GS_MUL(q, 2.0 / 15 + GS_MUL(q, -17.0 / 315
                        + GS_MUL(q, 62.0 / 2835 + GS_MUL(q, -1382.0 / 155925)))));
            }
            const gs_real r = sqrt(q);
            return tanh(r) / r;
        }
        case GS_RADIAL_GATE:
            return gs_radial_sigmoid(GS_MUL(a, q) + b);
        case GS_RADIAL_MODRELU: {
            const gs_real v = 1.0 + b / sqrt(q);          // q == 0: b/0 = -inf for b < 0 (dead), NaN for b == 0 (-> 0)
            return v > 0.0 ? v : 0.0;
        }
        case GS_RADIAL_PHASE:
            return 1.0 / sqrt(q);                        // singular at 0, as in the Java
        case GS_RADIAL_CUBIC:
            return b - q;
        default:
            return GS_NAN;                              // unreachable: the host passes an enum ordinal
    }
}

GS_FORMULA gs_real gs_radial_dh(int profile, gs_real q, gs_real a, gs_real b) {
    switch (profile) {
        case GS_RADIAL_ALG: {
            const gs_real s = 1.0 / sqrt(1.0 + q);
            return -0.5 * s * s * s;
        }
        case GS_RADIAL_RTANH: {
            if (q < GS_RADIAL_SERIES_Q) {
                return -1.0 / 3 + GS_MUL(q, 4.0 / 15 + GS_MUL(q, -17.0 / 105 + GS_MUL(q, 248.0 / 2835
                        + GS_MUL(q, -1382.0 / 31185))));
            }
            const gs_real r = sqrt(q);
            const gs_real t = tanh(r);
            const gs_real s = 1.0 - GS_MUL(t, t);
            return (GS_MUL(r, s) - t) / (2.0 * r * r * r);
        }
        case GS_RADIAL_GATE: {
            const gs_real s = gs_radial_sigmoid(GS_MUL(a, q) + b);
            return a * s * (1.0 - s);
        }
        case GS_RADIAL_MODRELU:
            return 1.0 + b / sqrt(q) > 0.0 ? -0.5 * b * pow(q, (gs_real)-1.5) : 0.0;
        case GS_RADIAL_PHASE:
            return -0.5 * pow(q, (gs_real)-1.5);
        case GS_RADIAL_CUBIC:
            return -1.0;
        default:
            return GS_NAN;
    }
}

GS_FORMULA gs_real gs_radial_d2h(int profile, gs_real q, gs_real a, gs_real b) {
    switch (profile) {
        case GS_RADIAL_ALG:
            return 0.75 * pow((gs_real)1.0 + q, (gs_real)-2.5);
        case GS_RADIAL_RTANH: {
            if (q < GS_RADIAL_SERIES_Q) {
                return 4.0 / 15 + GS_MUL(q, -34.0 / 105 + GS_MUL(q, 248.0 / 945 + GS_MUL(q, -5528.0 / 31185
                        + GS_MUL(q, 43688.0 / 405405))));
            }
            const gs_real r = sqrt(q);
            const gs_real t = tanh(r);
            const gs_real s = 1.0 - GS_MUL(t, t);
            // Java: (-2 t s r r - 3 (r s - t)) / (4 r^5), left to right
            return (GS_MUL(-2.0 * t * s * r, r) - GS_MUL(3.0, GS_MUL(r, s) - t)) / (4.0 * pow(r, (gs_real)5.0));
        }
        case GS_RADIAL_GATE: {
            const gs_real s = gs_radial_sigmoid(GS_MUL(a, q) + b);
            return a * a * s * (1.0 - s) * (1.0 - GS_MUL(2.0, s));
        }
        case GS_RADIAL_MODRELU:
            return 1.0 + b / sqrt(q) > 0.0 ? 0.75 * b * pow(q, (gs_real)-2.5) : 0.0;
        case GS_RADIAL_PHASE:
            return 0.75 * pow(q, (gs_real)-2.5);
        case GS_RADIAL_CUBIC:
            return 0.0;
        default:
            return GS_NAN;
    }
}
