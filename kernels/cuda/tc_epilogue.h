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

/** uk for the U(1) block form's units: pairs of adjacent tile rows, Re and Im (see tc_epilogue_units). */
constexpr int UNIT_ROW_PAIRS = -2;

/**
 * The fused epilogue of mode EPI over units [first, units) in steps of step (a thread: its id and the block size; a
 * host check: 0 and 1) of a T x T tile staged column-major in tile (ld ldt) whose element (0, 0) is C(i0, j0). C,
 * y (yin), R{y} (ryin) and z are column-major with leading dimension ld. Two kinds of unit:
 *   uk >= 1 (O(k) levels): uk consecutive columns of one row of an m x n result (uk divides T; n is a multiple of
 *          uk, so a unit is wholly in or out of C); component a of the unit at row gi, column gj + a.
 *   uk == UNIT_ROW_PAIRS (U(1) levels, GEMMs on the row-interleaved block weight): the GEMM's rows are 2j + a for
 *          channel j and component a (Re, Im) of an m/2-channel level, so a unit is two adjacent rows of one
 *          column, and it is stored in the k = 2 unit layout: component a of channel j in column gj at
 *          j + a m/2 + gj ld (ld = m, m even).
 * Consecutive units are consecutive rows (column units) or channels (row pairs), so consecutive threads read and
 * write consecutive addresses.
 */
template <int EPI, int T>
GS_FORMULA void tc_epilogue_units(const float* tile, int ldt, int first, int step, int i0, int j0, int m, int n,
                                  long ld, int uk, float al, float be, float* c, float* z, const float* yin,
                                  const float* ryin, int profile, double ca, double cb) {
    const bool pairs = uk == UNIT_ROW_PAIRS;
    const int k = pairs ? 2 : uk;                     // components per unit
    const int units = pairs ? T / 2 * T : T * (T / uk);
    for (int u = first; u < units; u += step) {
        // the unit's first row and column in the tile, and the strides of its components in the tile and in memory
        const int row = pairs ? 2 * (u % (T / 2)) : u % T, cu = pairs ? u / (T / 2) : (u / T) * uk;
        const int gi = i0 + row, gj = j0 + cu;
        if (gi >= m || gj >= n) {
            continue;
        }
        const float* t = tile + cu * ldt + row;
        const int tstride = pairs ? 1 : ldt;          // component a at t[a * tstride]
        const long base = pairs ? gi / 2 + (long) gj * ld : gi + (long) gj * ld;
        const long cstride = pairs ? m / 2 : ld;      // component a at base + a * cstride in C, y, R{y} and z
        // the GEMM's result for component a: Y (ACT), G (JAC) or R{G_z} (JACR); C is read before it is written
        auto value = [&](int a) {
            const float v = al * t[a * tstride];
            return be != 0.0f ? v + be * c[base + a * cstride] : v;
        };
        double q = 0.0, yr = 0.0, yw = 0.0, yg = 0.0, wg = 0.0;
        for (int a = 0; a < k; a++) {
            const long i = base + a * cstride;
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
            for (int a = 0; a < k; a++) {
                const long i = base + a * cstride;
                const float v = value(a);
                c[i] = v;
                z[i] = hf * v;
            }
        } else if (EPI == EPI_JAC) {                  // C = G when given, z = h G + 2 h' (y.G) y
            const double cy = 2.0 * gs_radial_dh(profile, q, ca, cb) * yr;
            for (int a = 0; a < k; a++) {
                const long i = base + a * cstride;
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
            for (int a = 0; a < k; a++) {
                const long i = base + a * cstride;
                const double v = value(a), yv = yin[i], wv = ryin[i], gv = z[i];
                c[i] = (float) (h * v + cy * yv + cg * gv + cw * wv);
                z[i] = (float) (h * gv + cw * yv);
            }
        }
    }
}
}  // namespace gs_tc_gemm
