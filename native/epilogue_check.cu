// epilogue_check.cu: runs the tensor-core GEMM's fused epilogues (kernels/cuda/tc_epilogue.h) on the host against a
// plain reference of the norm nonlinearity's formulas (SCIENCE a.3, a.8, d.1), with no GPU: every mode (the layer's
// forward, the Jacobian with and without C and beta, the HVP's in-place backward), unit widths 1 to 16 and the U(1)
// block form's row pairs, three radial profiles, a tile cut by the ends of C in both directions. It checks the unit
// indexing, the in-place reads before writes and that nothing outside the tile's units is written. Built and run by
// `make -C native epilogue-check` (the native Maven profile, where nvcc exists); exits 1 on a mismatch, naming it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
#include "../kernels/cuda/tc_epilogue.h"

using namespace gs_tc_gemm;

namespace {
constexpr int T = 128, LDT = T + 4;

struct Case {
    int epi, uk, profile;
    bool withC;
    float beta;
};

double rel(double got, double want) {
    return std::fabs(got - want) / (1.0 + std::fabs(want));
}

// One unit as the reference sees it: where its components are in the tile and in memory.
struct Unit {
    int t0, tstride;                                 // tile offsets: t0 + a tstride
    long base, cstride;                              // memory offsets: base + a cstride
};

// The units of the tile: uk consecutive columns of a row (uk >= 1), or for UNIT_ROW_PAIRS the row pairs (2j, 2j + 1)
// of a column, channel j = row / 2 of an m/2-channel level stored with Im m/2 after Re.
std::vector<Unit> units(int uk, int i0, int j0, int m, int n, long ld) {
    std::vector<Unit> out;
    if (uk == UNIT_ROW_PAIRS) {
        for (int col = 0; col < T && j0 + col < n; col++) {
            for (int row = 0; row < T && i0 + row < m; row += 2) {
                out.push_back({col * LDT + row, 1, (i0 + row) / 2 + (long) (j0 + col) * ld, m / 2});
            }
        }
    } else {
        for (int row = 0; row < T && i0 + row < m; row++) {
            for (int cu = 0; cu < T && j0 + cu < n; cu += uk) {
                out.push_back({cu * LDT + row, LDT, (i0 + row) + (long) (j0 + cu) * ld, ld});
            }
        }
    }
    return out;
}

// The reference: the formulas as NormActOps states them, over doubles of the same fp32 inputs.
void reference(const Case& k, const std::vector<float>& tile, int i0, int j0, int m, int n, long ld,
               std::vector<float>& c, std::vector<float>& z, const std::vector<float>& y,
               const std::vector<float>& ry, double ca, double cb) {
    const int comps = k.uk == UNIT_ROW_PAIRS ? 2 : k.uk;
    for (const Unit& unit : units(k.uk, i0, j0, m, n, ld)) {
        std::vector<double> v(comps), yv(comps), wv(comps), gv(comps);
        std::vector<long> at(comps);
        for (int a = 0; a < comps; a++) {
            at[a] = unit.base + a * unit.cstride;
            float f = tile[unit.t0 + a * unit.tstride];
            if (k.beta != 0.0f) {
                f += k.beta * c[at[a]];
            }
            v[a] = f;
            yv[a] = y[at[a]];
            wv[a] = ry[at[a]];
            gv[a] = z[at[a]];
        }
        auto dot = [&](const std::vector<double>& p, const std::vector<double>& q) {
            double s = 0.0;
            for (int a = 0; a < comps; a++) {
                s += p[a] * q[a];
            }
            return s;
        };
        const std::vector<double>& u = k.epi == EPI_ACT ? v : yv;
        double q = dot(u, u);
        double h = gs_radial_h(k.profile, q, ca, cb), dh = gs_radial_dh(k.profile, q, ca, cb);
        double d2h = gs_radial_d2h(k.profile, q, ca, cb);
        for (int a = 0; a < comps; a++) {
            if (k.epi == EPI_ACT) {
                c[at[a]] = (float) v[a];
                z[at[a]] = (float) h * (float) v[a];
            } else if (k.epi == EPI_JAC) {
                if (k.withC) {
                    c[at[a]] = (float) v[a];
                }
                z[at[a]] = (float) (h * v[a] + 2.0 * dh * dot(yv, v) * yv[a]);
            } else {                                   // R{G_y} = J R + (D_w J) G; G_y = J G
                double yw = dot(yv, wv), yg = dot(yv, gv), wg = dot(wv, gv), yr = dot(yv, v);
                c[at[a]] = (float) (h * v[a] + 2.0 * dh * yr * yv[a] + 2.0 * dh * yw * gv[a]
                        + 4.0 * d2h * yw * yg * yv[a] + 2.0 * dh * (wg * yv[a] + yg * wv[a]));
                z[at[a]] = (float) (h * gv[a] + 2.0 * dh * yg * yv[a]);
            }
        }
    }
}
}  // namespace

int main() {
    std::mt19937_64 rng(20261126);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    // the block at tile (1, 1) of C; C ends 100 rows and 80 columns into it
    const int i0 = T, j0 = T, m = T + 100, n = T + 80;
    const long ld = m;
    const double ca = 1.0, cb = 0.0;                 // GATE's slope and offset; ALG and RTANH ignore them
    std::vector<Case> cases;
    for (int profile : {GS_RADIAL_ALG, GS_RADIAL_RTANH, GS_RADIAL_GATE}) {
        for (int uk : {1, 2, 4, 8, 16, UNIT_ROW_PAIRS}) {
            cases.push_back({EPI_ACT, uk, profile, true, 0.0f});
            cases.push_back({EPI_JAC, uk, profile, false, 0.0f});
            cases.push_back({EPI_JAC, uk, profile, true, 0.0f});
            cases.push_back({EPI_JAC, uk, profile, true, 1.0f});
            cases.push_back({EPI_JACR, uk, profile, true, 1.0f});
        }
    }
    double worst = 0.0;
    for (const Case& k : cases) {
        std::vector<float> tile(T * LDT), c(ld * n), z(ld * n), y(ld * n), ry(ld * n);
        for (float& x : tile) x = normal(rng);
        for (float& x : c) x = normal(rng);
        for (float& x : z) x = normal(rng);
        for (float& x : y) x = normal(rng);
        for (float& x : ry) x = normal(rng);
        std::vector<float> wantC = c, wantZ = z, gotC = c, gotZ = z;
        reference(k, tile, i0, j0, m, n, ld, wantC, wantZ, y, ry, ca, cb);
        float* cp = k.withC ? gotC.data() : nullptr;
        switch (k.epi) {
            case EPI_ACT:
                tc_epilogue_units<EPI_ACT, T>(tile.data(), LDT, 0, 1, i0, j0, m, n, ld, k.uk, 1.0f, k.beta, cp,
                                              gotZ.data(), y.data(), ry.data(), k.profile, ca, cb);
                break;
            case EPI_JAC:
                tc_epilogue_units<EPI_JAC, T>(tile.data(), LDT, 0, 1, i0, j0, m, n, ld, k.uk, 1.0f, k.beta, cp,
                                              gotZ.data(), y.data(), ry.data(), k.profile, ca, cb);
                break;
            default:
                tc_epilogue_units<EPI_JACR, T>(tile.data(), LDT, 0, 1, i0, j0, m, n, ld, k.uk, 1.0f, k.beta, cp,
                                               gotZ.data(), y.data(), ry.data(), k.profile, ca, cb);
        }
        std::vector<bool> inside(ld * n, false);
        for (const Unit& unit : units(k.uk, i0, j0, m, n, ld)) {
            for (int a = 0; a < (k.uk == UNIT_ROW_PAIRS ? 2 : k.uk); a++) {
                inside[unit.base + a * unit.cstride] = true;
            }
        }
        for (long i = 0; i < ld * n; i++) {
            double ec = rel(gotC[i], wantC[i]), ez = rel(gotZ[i], wantZ[i]);
            bool outside = !inside[i];
            if (ec > 1e-5 || ez > 1e-5 || (outside && (gotC[i] != c[i] || gotZ[i] != z[i]))) {
                std::printf("epilogue check FAILED: mode %d, uk %d, profile %d, C %s, beta %g: element (%ld, %ld): "
                            "C %.9g (want %.9g), z %.9g (want %.9g)\n", k.epi, k.uk, k.profile,
                            k.withC ? "given" : "null", k.beta, i % ld, i / ld, gotC[i], wantC[i], gotZ[i], wantZ[i]);
                return 1;
            }
            worst = std::fmax(worst, std::fmax(ec, ez));
        }
    }
    std::printf("epilogue check: %zu cases passed (largest relative difference %.2e)\n", cases.size(), worst);
    return 0;
}
