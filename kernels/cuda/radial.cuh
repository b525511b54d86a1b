// radial.cuh: the radial profiles h(q), h'(q), h''(q) of the norm nonlinearity f(y) = h(q) y, q = |y|^2
// (SCIENCE a.3), in double, for any family that applies one (norm_act, the equiv_linear epilogue).
// Port of org.goldstone.layer.RadialProfile: profile is RadialProfile.ordinal(), a and b its shape constants
// (GATE slope a, offset b; MODRELU radius bias b; CUBIC mu = b). Same branches, thresholds, series coefficients
// and operation order as the Java, so a parity test sees only the last-ulp differences of tanh, exp and pow
// (sqrt and division are correctly rounded on both sides). Products that feed an add are written __dmul_rn, which
// nvcc never contracts into an FMA: the Java rounds the product first, and in the cancelling expression r s - t an
// FMA would move the result by far more than an ulp of it.
// Header only; the native build compiles every family as one translation unit, so everything is inline.
#pragma once

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
__device__ __forceinline__ double gs_radial_sigmoid(double x) {
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    const double e = exp(x);
    return e / (1.0 + e);
}

__device__ __forceinline__ double gs_radial_h(int profile, double q, double a, double b) {
    switch (profile) {
        case GS_RADIAL_ALG:
            return 1.0 / sqrt(1.0 + q);
        case GS_RADIAL_RTANH: {
            if (q < GS_RADIAL_SERIES_Q) {                // series below 1e-2 avoids the 0/0 cancellation of tanh(r)/r
                return 1.0 + __dmul_rn(q, -1.0 / 3 + __dmul_rn(q, 2.0 / 15 + __dmul_rn(q, -17.0 / 315
                        + __dmul_rn(q, 62.0 / 2835 + __dmul_rn(q, -1382.0 / 155925)))));
            }
            const double r = sqrt(q);
            return tanh(r) / r;
        }
        case GS_RADIAL_GATE:
            return gs_radial_sigmoid(__dmul_rn(a, q) + b);
        case GS_RADIAL_MODRELU: {
            const double v = 1.0 + b / sqrt(q);          // q == 0: b/0 = -inf for b < 0 (dead), NaN for b == 0 (-> 0)
            return v > 0.0 ? v : 0.0;
        }
        case GS_RADIAL_PHASE:
            return 1.0 / sqrt(q);                        // singular at 0, as in the Java
        case GS_RADIAL_CUBIC:
            return b - q;
        default:
            return nan("");                              // unreachable: the host passes an enum ordinal
    }
}

__device__ __forceinline__ double gs_radial_dh(int profile, double q, double a, double b) {
    switch (profile) {
        case GS_RADIAL_ALG: {
            const double s = 1.0 / sqrt(1.0 + q);
            return -0.5 * s * s * s;
        }
        case GS_RADIAL_RTANH: {
            if (q < GS_RADIAL_SERIES_Q) {
                return -1.0 / 3 + __dmul_rn(q, 4.0 / 15 + __dmul_rn(q, -17.0 / 105 + __dmul_rn(q, 248.0 / 2835
                        + __dmul_rn(q, -1382.0 / 31185))));
            }
            const double r = sqrt(q);
            const double t = tanh(r);
            const double s = 1.0 - __dmul_rn(t, t);
            return (__dmul_rn(r, s) - t) / (2.0 * r * r * r);
        }
        case GS_RADIAL_GATE: {
            const double s = gs_radial_sigmoid(__dmul_rn(a, q) + b);
            return a * s * (1.0 - s);
        }
        case GS_RADIAL_MODRELU:
            return 1.0 + b / sqrt(q) > 0.0 ? -0.5 * b * pow(q, -1.5) : 0.0;
        case GS_RADIAL_PHASE:
            return -0.5 * pow(q, -1.5);
        case GS_RADIAL_CUBIC:
            return -1.0;
        default:
            return nan("");
    }
}

__device__ __forceinline__ double gs_radial_d2h(int profile, double q, double a, double b) {
    switch (profile) {
        case GS_RADIAL_ALG:
            return 0.75 * pow(1.0 + q, -2.5);
        case GS_RADIAL_RTANH: {
            if (q < GS_RADIAL_SERIES_Q) {
                return 4.0 / 15 + __dmul_rn(q, -34.0 / 105 + __dmul_rn(q, 248.0 / 945 + __dmul_rn(q, -5528.0 / 31185
                        + __dmul_rn(q, 43688.0 / 405405))));
            }
            const double r = sqrt(q);
            const double t = tanh(r);
            const double s = 1.0 - __dmul_rn(t, t);
            // Java: (-2 t s r r - 3 (r s - t)) / (4 r^5), left to right
            return (__dmul_rn(-2.0 * t * s * r, r) - __dmul_rn(3.0, __dmul_rn(r, s) - t)) / (4.0 * pow(r, 5.0));
        }
        case GS_RADIAL_GATE: {
            const double s = gs_radial_sigmoid(__dmul_rn(a, q) + b);
            return a * a * s * (1.0 - s) * (1.0 - __dmul_rn(2.0, s));
        }
        case GS_RADIAL_MODRELU:
            return 1.0 + b / sqrt(q) > 0.0 ? 0.75 * b * pow(q, -2.5) : 0.0;
        case GS_RADIAL_PHASE:
            return 0.75 * pow(q, -2.5);
        case GS_RADIAL_CUBIC:
            return 0.0;
        default:
            return nan("");
    }
}
