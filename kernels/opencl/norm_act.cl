// norm_act.cl: the norm nonlinearity f(y) = h(q) y, q = |y|^2 per unit (SCIENCE a.3), and its derivatives:
//   fwd     z = h y
//   bwd     G_y = h G + 2 h' (y.G) y                                         (G = G_z, a.8)
//   rop     R{G_y} = h R{G} + c_y y + 2 h' (y.w) G + 2 h' (y.G) w,           (w = R{y}, d.1)
//           c_y = 2 h' (y.R{G}) + 4 h'' (y.w)(y.G) + 2 h' (w.G)
//   bwdrop  bwd and rop in one pass (the Hessian-vector product needs both).
// Layout (UnitShape): component a of unit (j, b) at (b*k + a)*channels + j; unit u = b*channels + j.
// One work-item per unit; neighbouring items take neighbouring j, so every component load and store coalesces.
// Sums and h, h', h'' in acc_t (double where the device has fp64; radial.h), stored as real_t. Products that feed
// an add are GS_MUL (the program has FP_CONTRACT OFF, so none is fused into an FMA), in the CPU twin's operation
// order, so the result rounds as the twin's plain Java does.
// Aliasing: an item reads all of its unit before writing any of it, and reads element i again right before
// writing element i, so in-place calls (gy == gz, rgy == rgz) are safe; no restrict, on purpose.
// One source for both backends: the OpenCL driver builds it at run time, nvcc compiles it into the fatbin through
// kernels/cuda/norm_act.cu (kernels/common/portable.h); each buffer is a (pointer, int offset) pair.
// CPU twin: org.goldstone.backend.cpu.CpuNormAct. Launch: work-groups of GS_LOCAL = 256, grid-stride over the
// channels*batch units (DeviceNormAct).
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

// First element of unit u; component a sits at the result + a*channels.
GS_FN long norm_act_base(long u, int channels, int k) {
    const int ui = (int)u;                               // units = channels*batch fits an int (buffer lengths do)
    const int b = ui / channels, j = ui - b * channels;
    return (long)b * k * channels + j;
}

__kernel void KNAME(norm_act_fwd)(__global const real_t* y, int y_off, __global real_t* z, int z_off, int channels,
                                  int units, int k, int profile, acc_t ca, acc_t cb) {
    y += y_off;
    z += z_off;
    GS_GRID_STRIDE(u, units) {
        const long base = norm_act_base(u, channels, k);
        acc_t q = 0;
        for (int a = 0; a < k; ++a) {
            const acc_t v = (acc_t)y[base + (long)a * channels];
            q += GS_MUL(v, v);
        }
        const acc_t h = gs_radial_h(profile, q, ca, cb);
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            z[i] = (real_t)(h * (acc_t)y[i]);
        }
    }
}

// gy may alias gz: the first loop only reads, the second reads element i before it writes element i.
__kernel void KNAME(norm_act_bwd)(__global const real_t* y, int y_off, __global const real_t* gz, int gz_off,
                                  __global real_t* gy, int gy_off, int channels, int units, int k, int profile,
                                  acc_t ca, acc_t cb) {
    y += y_off;
    gz += gz_off;
    gy += gy_off;
    GS_GRID_STRIDE(u, units) {
        const long base = norm_act_base(u, channels, k);
        acc_t q = 0, dot = 0;                            // |y|^2 and y . G_z
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const acc_t v = (acc_t)y[i];
            q += GS_MUL(v, v);
            dot += GS_MUL(v, (acc_t)gz[i]);
        }
        const acc_t h = gs_radial_h(profile, q, ca, cb);
        const acc_t c = 2.0 * gs_radial_dh(profile, q, ca, cb) * dot;   // 2 h' (y . G_z)
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const acc_t g = (acc_t)gz[i], v = (acc_t)y[i];
            gy[i] = (real_t)(GS_MUL(h, g) + GS_MUL(c, v));
        }
    }
}

// R{G_y} into rgy and, when with_gy, G_y = h G + 2 h' (y.G) y into gy (the twin's backwardAndRop; rop passes
// with_gy = 0 and a null gy, never touched). with_gy is uniform over the launch, so the branch costs nothing.
GS_FN void norm_act_rop_body(__global const real_t* y, __global const real_t* ry, __global const real_t* gz,
                              __global const real_t* rgz, __global real_t* gy, __global real_t* rgy, int with_gy,
                              int channels, int units, int k, int profile, acc_t ca, acc_t cb) {
    GS_GRID_STRIDE(u, units) {
        const long base = norm_act_base(u, channels, k);
        acc_t q = 0, yw = 0, yg = 0, wg = 0, yrg = 0;
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const acc_t yv = (acc_t)y[i], wv = (acc_t)ry[i], gv = (acc_t)gz[i];
            q += GS_MUL(yv, yv);
            yw += GS_MUL(yv, wv);
            yg += GS_MUL(yv, gv);
            wg += GS_MUL(wv, gv);
            yrg += GS_MUL(yv, (acc_t)rgz[i]);
        }
        const acc_t h = gs_radial_h(profile, q, ca, cb);
        const acc_t dh = gs_radial_dh(profile, q, ca, cb);
        const acc_t d2h = gs_radial_d2h(profile, q, ca, cb);
        const acc_t cy = GS_MUL(2.0 * dh, yrg) + GS_MUL(4.0 * d2h * yw, yg) + GS_MUL(2.0 * dh, wg);
        const acc_t cg = 2.0 * dh * yw;                  // coefficient of G
        const acc_t cw = 2.0 * dh * yg;                  // of w; also 2 h' (y.G), the y coefficient of G_y
        for (int a = 0; a < k; ++a) {
            const long i = base + (long)a * channels;
            const acc_t yv = (acc_t)y[i], wv = (acc_t)ry[i], gv = (acc_t)gz[i], rgv = (acc_t)rgz[i];
            rgy[i] = (real_t)(GS_MUL(h, rgv) + GS_MUL(cy, yv) + GS_MUL(cg, gv) + GS_MUL(cw, wv));
            if (with_gy) gy[i] = (real_t)(GS_MUL(h, gv) + GS_MUL(cw, yv));
        }
    }
}

__kernel void KNAME(norm_act_rop)(__global const real_t* y, int y_off, __global const real_t* ry, int ry_off,
                                  __global const real_t* gz, int gz_off, __global const real_t* rgz, int rgz_off,
                                  __global real_t* rgy, int rgy_off, int channels, int units, int k, int profile,
                                  acc_t ca, acc_t cb) {
    norm_act_rop_body(y + y_off, ry + ry_off, gz + gz_off, rgz + rgz_off, (__global real_t*)0, rgy + rgy_off, 0,
                      channels, units, k, profile, ca, cb);
}

__kernel void KNAME(norm_act_bwdrop)(__global const real_t* y, int y_off, __global const real_t* ry, int ry_off,
                                     __global const real_t* gz, int gz_off, __global const real_t* rgz, int rgz_off,
                                     __global real_t* gy, int gy_off, __global real_t* rgy, int rgy_off,
                                     int channels, int units, int k, int profile, acc_t ca, acc_t cb) {
    norm_act_rop_body(y + y_off, ry + ry_off, gz + gz_off, rgz + rgz_off, gy + gy_off, rgy + rgy_off, 1,
                      channels, units, k, profile, ca, cb);
}
