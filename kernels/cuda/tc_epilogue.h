// tc_epilogue.h: the per-unit arithmetic of the tensor-core GEMM's fused epilogues (tc_gemm.cu), apart from the
// kernel so that a host program can run it (native/epilogue_check.cu, built and run by the native Maven profile):
// the block's C tile, staged in shared memory, is walked one unit at a time and norm_act's formulas are applied in
// its operation order (kernels/opencl/norm_act.cl). Host and device; no CUDA built-ins.
#pragma once
#include "../common/radial.h"

namespace gs_tc_gemm {
/** What the epilogue writes besides C = alpha acc + beta C; see tc_gemm.cu for each mode's pass. */
constexpr int EPI_PLAIN = 0;
constexpr int EPI_ACT = 1;
constexpr int EPI_JAC = 2;
constexpr int EPI_JACR = 3;

/**
 * The fused epilogue of mode EPI over units [first, units) in steps of step (a thread: its id and the block size; a
 * host check: 0 and 1) of a T x T tile staged column-major in tile (ld ldt) whose element (0, 0) is C(i0, j0). A unit
 * is uk consecutive columns of one row (uk divides T; n is a multiple of uk, so a unit is wholly in or out of C). C,
 * y (yin), R{y} (ryin) and z are m x n column-major with leading dimension ld. Consecutive units are consecutive
 * rows, so consecutive threads read and write consecutive addresses.
 */
template <int EPI, int T>
GS_FORMULA void tc_epilogue_units(const float* tile, int ldt, int first, int step, int i0, int j0, int m, int n,
                                  long ld, int uk, float al, float be, float* c, float* z, const float* yin,
                                  const float* ryin, int profile, double ca, double cb) {
    const int units = T * (T / uk);
    for (int u = first; u < units; u += step) {
        const int row = u % T, cu = (u / T) * uk;     // the unit's row and first column in the tile
        const int gi = i0 + row, gj = j0 + cu;
        if (gi >= m || gj >= n) {
            continue;
        }
        const float* t = tile + cu * ldt + row;      // component a at t[a * ldt]
        const long base = gi + (long) gj * ld;        // component a at base + a * ld in C, y, R{y} and z
        // the GEMM's result for component a: Y (ACT), G (JAC) or R{G_z} (JACR); C is read before it is written
        auto value = [&](int a) {
            const float v = al * t[a * ldt];
            return be != 0.0f ? v + be * c[base + a * ld] : v;
        };
        double q = 0.0, yr = 0.0, yw = 0.0, yg = 0.0, wg = 0.0;
        for (int a = 0; a < uk; a++) {
            const long i = base + a * ld;
            const double v = value(a);
            if (EPI == EPI_ACT) {
                q += v * v;
            } else {
                const double yv = yin[i];
                q += yv * yv;
                yr += yv * v;
                if (EPI == EPI_JACR) {
                    const double wv = ryin[i], gv = z[i];
                    yw += yv * wv;
                    yg += yv * gv;
                    wg += wv * gv;
                }
            }
        }
        const double h = gs_radial_h(profile, q, ca, cb);
        if (EPI == EPI_ACT) {                         // C = Y, z = h y
            const float hf = (float) h;
            for (int a = 0; a < uk; a++) {
                const long i = base + a * ld;
                const float v = value(a);
                c[i] = v;
                z[i] = hf * v;
            }
        } else if (EPI == EPI_JAC) {                  // C = G when given, z = h G + 2 h' (y.G) y
            const double cy = 2.0 * gs_radial_dh(profile, q, ca, cb) * yr;
            for (int a = 0; a < uk; a++) {
                const long i = base + a * ld;
                const float v = value(a);
                if (c != nullptr) {
                    c[i] = v;
                }
                z[i] = (float) (h * (double) v + cy * (double) yin[i]);
            }
        } else if (EPI == EPI_JACR) {                 // C = R{G_y}, z = G_y (norm_act_bwdrop)
            const double dh = gs_radial_dh(profile, q, ca, cb);
            const double d2h = gs_radial_d2h(profile, q, ca, cb);
            const double cy = 2.0 * dh * yr + 4.0 * d2h * yw * yg + 2.0 * dh * wg;
            const double cg = 2.0 * dh * yw, cw = 2.0 * dh * yg;
            for (int a = 0; a < uk; a++) {
                const long i = base + a * ld;
                const double v = value(a), yv = yin[i], wv = ryin[i], gv = z[i];
                c[i] = (float) (h * v + cy * yv + cg * gv + cw * wv);
                z[i] = (float) (h * gv + cw * yv);
            }
        }
    }
}
}  // namespace gs_tc_gemm
