// pointwise.cl: the elementwise pieces of the real (non-equivariant) layers.
//   bias:      y[i, c] += bias[i]
//   colsum:    gb[i] = (beta == 0 ? 0 : gb[i]) + sum_c gy[i, c]          (any beta != 0 accumulates, as the twin)
//   act:       z = act(y);  gy = act'(y) gz;  R{gy} = act'(y) R{gz} + act''(y) R{y} gz
//              act = ordinal of org.goldstone.layer.Activation: 0 TANH (tanh' = 1 - z^2, tanh'' = -2 z (1 - z^2)),
//              1 RELU (1 if y > 0 else 0; '' = 0), 2 IDENTITY (1; '' = 0)
//   layernorm: per column, mean and biased var over the rows, inv = (var + eps)^(-1/2), d = y - mean, xhat = d inv,
//              z = gamma xhat + beta;  G_y = inv (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = G_z gamma,
//              G_gamma = sum_c G_z xhat, G_beta = sum_c G_z;
//              R{mean} = mean(R{y}), R{var} = 2 mean(d (R{y} - R{mean})), R{inv} = -inv^3 R{var} / 2,
//              R{xhat} = (R{y} - R{mean}) inv + d R{inv},  R{z} = v_gamma xhat + gamma R{xhat} + v_beta;
//              dx = G_z gamma, R{dx} = R{G_z} gamma + G_z v_gamma, A = mean(dx), B = mean(dx xhat),
//              R{A} = mean(R{dx}), R{B} = mean(R{dx} xhat + dx R{xhat}),
//              R{G_y} = R{inv} (dx - A - xhat B) + inv (R{dx} - R{A} - R{xhat} B - xhat R{B}),
//              R{G_gamma} = sum_c (R{G_z} xhat + G_z R{xhat}), R{G_beta} = sum_c R{G_z}.
// Layout: column-major rows x cols, element (i, c) at c*rows + i; a column is one sample, rows are features.
// One source for both backends: the OpenCL driver builds it at run time, nvcc compiles it into the fatbin through
// kernels/cuda/pointwise.cu (kernels/common/portable.h); each buffer is a (pointer, int offset) pair.
// CPU twin: org.goldstone.backend.cpu.CpuPointwise (layer-norm and column sums accumulate in acc_t, double where
// the device has fp64; the activations run in the element type, except the R-op, which the twin evaluates in
// double). The program has FP_CONTRACT OFF, so every product rounds on its own, as in the twin's Java.
// Launch (DevicePointwise), work-groups of GS_LOCAL = 256 throughout: bias/act grid-stride over the elements. colsum and
//   lnparams: one tile of 32 rows per work-group (lanes = rows, so loads coalesce; the 8 slices of 32 items take
//   every 8th column), grid-stride over the tiles; the 8 slice partials are added in a fixed order (deterministic,
//   no atomics). layernorm fwd/fwdr/bwd/bwdr and lnstats: one work-group per column (grid-stride over columns),
//   reductions over the rows with gs_group_sum. The backward passes first write per-column statistics (lnstats,
//   acc_t scratch stats[0..4 cols): mean, inv, R{mean}, R{inv}), then the parameter gradients (lnparams), then G_y
//   (layernorm).
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

// Ordinals of org.goldstone.layer.Activation; anything else is the identity, as in the enum's default branch.
#define POINTWISE_TANH 0
#define POINTWISE_RELU 1

// Column-sum tiles: 32 rows (lanes) by GS_LOCAL / 32 slices of the work-group.
#define POINTWISE_LANES 32
#define POINTWISE_SLICES (GS_LOCAL / POINTWISE_LANES)

GS_FN real_t pointwise_act_apply(int act, real_t y) {
    if (act == POINTWISE_TANH) return tanh(y);          // the driver's tanh in each precision (last-ulp differences)
    if (act == POINTWISE_RELU) return y > (real_t)0 ? y : (real_t)0;
    return y;
}

// act'(y) given z = act(y): tanh' from z, so no second tanh. 1 - z^2 near |z| = 1 cancels: the product must round
// on its own (no FMA; FP_CONTRACT OFF), so the result gets the twin's bits.
GS_FN real_t pointwise_act_d1(int act, real_t y, real_t z) {
    if (act == POINTWISE_TANH) return (real_t)1 - z * z;
    if (act == POINTWISE_RELU) return y > (real_t)0 ? (real_t)1 : (real_t)0;
    return (real_t)1;
}

// act' in acc_t for the R-op (the twin evaluates it in double).
GS_FN acc_t pointwise_act_d1_acc(int act, acc_t y, acc_t z) {
    if (act == POINTWISE_TANH) return 1.0 - GS_MUL(z, z);
    if (act == POINTWISE_RELU) return y > 0.0 ? 1.0 : 0.0;
    return 1.0;
}

// act''(y) given z = act(y): only tanh has one, -2 z (1 - z^2) (ReLU's is 0 away from 0).
GS_FN acc_t pointwise_act_d2(int act, acc_t z) {
    if (act != POINTWISE_TANH) return 0.0;
    return GS_MUL(GS_MUL(-2.0, z), 1.0 - GS_MUL(z, z));
}

// Adds the per-slice partials v[0..nv) of each lane over the slices of the work-group, in slice order
// (deterministic). The sums are valid in slice 0 only. part holds nv * GS_LOCAL values. Every item of the
// work-group must call it (it synchronizes).
GS_FN void pointwise_fold_slices(acc_t* v, int nv, GS_LOCAL_PTR acc_t* part) {
    const int l = get_local_id(0), lane = l % POINTWISE_LANES, slice = l / POINTWISE_LANES;
    barrier(CLK_LOCAL_MEM_FENCE);                       // the previous tile's slice 0 may still be reading
    for (int t = 0; t < nv; ++t) part[(t * POINTWISE_SLICES + slice) * POINTWISE_LANES + lane] = v[t];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (slice == 0) {
        for (int t = 0; t < nv; ++t) {
            acc_t s = 0;
            for (int w = 0; w < POINTWISE_SLICES; ++w) s += part[(t * POINTWISE_SLICES + w) * POINTWISE_LANES + lane];
            v[t] = s;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Bias broadcast and column sums.

__kernel void KNAME(pointwise_bias_fwd)(__global real_t* y, int y_off, __global const real_t* bias, int bias_off,
                                        int rows, int cols) {
    y += y_off;
    bias += bias_off;
    GS_GRID_STRIDE(e, (long)rows * cols) y[e] = y[e] + bias[e % rows];   // in real_t, as the twin rounds each sum
}

__kernel void KNAME(pointwise_colsum_fwd)(__global const real_t* gy, int gy_off, __global real_t* gb, int gb_off,
                                          int rows, int cols, acc_t beta) {
    GS_SHARED acc_t part[GS_LOCAL];
    gy += gy_off;
    gb += gb_off;
    const int l = get_local_id(0), lane = l % POINTWISE_LANES, slice = l / POINTWISE_LANES;
    for (long r0 = (long)get_group_id(0) * POINTWISE_LANES; r0 < rows;
         r0 += (long)get_num_groups(0) * POINTWISE_LANES) {   // uniform over the work-group
        const long i = r0 + lane;
        acc_t s[1] = {0};
        if (i < rows) {
            for (int c = slice; c < cols; c += POINTWISE_SLICES) s[0] += (acc_t)gy[(long)c * rows + i];
        }
        pointwise_fold_slices(s, 1, part);
        if (slice == 0 && i < rows) gb[i] = (real_t)((beta == 0.0 ? 0.0 : (acc_t)gb[i]) + s[0]);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations.

__kernel void KNAME(pointwise_act_fwd)(__global const real_t* y, int y_off, __global real_t* z, int z_off, int n,
                                       int act) {
    y += y_off;
    z += z_off;
    GS_GRID_STRIDE(e, n) z[e] = pointwise_act_apply(act, y[e]);
}

// gy may alias gz: each element is read before it is written, by the same item, so no restrict on them.
__kernel void KNAME(pointwise_act_bwd)(__global const real_t* y, int y_off, __global const real_t* z, int z_off,
                                       __global const real_t* gz, int gz_off, __global real_t* gy, int gy_off,
                                       int n, int act) {
    y += y_off;
    z += z_off;
    gz += gz_off;
    gy += gy_off;
    GS_GRID_STRIDE(e, n) gy[e] = pointwise_act_d1(act, y[e], z[e]) * gz[e];
}

// In acc_t for both dtypes, as the twin (act' R{G_z} and act'' R{y} G_z may cancel).
__kernel void KNAME(pointwise_act_rop)(__global const real_t* y, int y_off, __global const real_t* z, int z_off,
                                       __global const real_t* ry, int ry_off, __global const real_t* gz, int gz_off,
                                       __global const real_t* rgz, int rgz_off, __global real_t* rgy, int rgy_off,
                                       int n, int act) {
    y += y_off;
    z += z_off;
    ry += ry_off;
    gz += gz_off;
    rgz += rgz_off;
    rgy += rgy_off;
    GS_GRID_STRIDE(e, n) {
        const acc_t yv = (acc_t)y[e], zv = (acc_t)z[e];
        const acc_t d1 = pointwise_act_d1_acc(act, yv, zv), d2 = pointwise_act_d2(act, zv);
        // (d1 R{G_z}) + ((d2 R{y}) G_z), in the twin's order and rounding
        rgy[e] = (real_t)(GS_MUL(d1, (acc_t)rgz[e]) + GS_MUL(GS_MUL(d2, (acc_t)ry[e]), (acc_t)gz[e]));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Layer normalization. All arithmetic in acc_t (inputs widened, outputs rounded once), as the twin.

// Statistics of the column starting at o, returned to every item of the work-group: mean, inv = (var + eps)^(-1/2)
// and, when with_r, R{mean} and R{inv} (else ry is not read). Every item must call it (gs_group_sum synchronizes);
// with_r must be uniform over the work-group.
GS_FN void pointwise_ln_stats(__global const real_t* y, __global const real_t* ry, long o, int rows, acc_t eps,
                               int with_r, GS_LOCAL_PTR acc_t* scratch, acc_t* mean, acc_t* inv, acc_t* rmean,
                               acc_t* rinv) {
    acc_t s = 0, rs = 0;
    for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
        s += (acc_t)y[o + i];
        if (with_r) rs += (acc_t)ry[o + i];
    }
    const acc_t m = gs_group_sum(s, scratch) / rows;
    const acc_t rm = with_r ? gs_group_sum(rs, scratch) / rows : 0;
    // second pass over d = y - mean, not E[y^2] - mean^2, which cancels for large offsets
    acc_t v = 0, rv = 0;
    for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
        const acc_t d = (acc_t)y[o + i] - m;
        v += d * d;
        if (with_r) rv += d * ((acc_t)ry[o + i] - rm);
    }
    const acc_t iv = 1.0 / sqrt(gs_group_sum(v, scratch) / rows + eps);   // 1/sqrt, not rsqrt, as the twin
    *mean = m;
    *inv = iv;
    *rmean = rm;
    if (with_r) {
        const acc_t rvar = 2.0 * gs_group_sum(rv, scratch) / rows;
        *rinv = -0.5 * iv * iv * iv * rvar;
    } else {
        *rinv = 0;
    }
}

__kernel void KNAME(pointwise_layernorm_fwd)(__global const real_t* y, int y_off, __global const real_t* gamma,
                                             int gamma_off, __global const real_t* beta, int beta_off,
                                             __global real_t* z, int z_off, int rows, int cols, acc_t eps) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    y += y_off;
    gamma += gamma_off;
    beta += beta_off;
    z += z_off;
    for (int c = get_group_id(0); c < cols; c += get_num_groups(0)) {   // uniform: gs_group_sum needs every item
        const long o = (long)c * rows;
        acc_t mean, inv, rmean, rinv;
        pointwise_ln_stats(y, y, o, rows, eps, 0, scratch, &mean, &inv, &rmean, &rinv);
        for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
            z[o + i] = (real_t)((acc_t)gamma[i] * ((acc_t)y[o + i] - mean) * inv + (acc_t)beta[i]);
        }
    }
}

__kernel void KNAME(pointwise_layernorm_fwdr)(__global const real_t* y, int y_off, __global const real_t* ry,
                                              int ry_off, __global const real_t* gamma, int gamma_off,
                                              __global const real_t* vgamma, int vgamma_off,
                                              __global const real_t* vbeta, int vbeta_off, __global real_t* rz,
                                              int rz_off, int rows, int cols, acc_t eps) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    y += y_off;
    ry += ry_off;
    gamma += gamma_off;
    vgamma += vgamma_off;
    vbeta += vbeta_off;
    rz += rz_off;
    for (int c = get_group_id(0); c < cols; c += get_num_groups(0)) {
        const long o = (long)c * rows;
        acc_t mean, inv, rmean, rinv;
        pointwise_ln_stats(y, ry, o, rows, eps, 1, scratch, &mean, &inv, &rmean, &rinv);
        for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
            const acc_t d = (acc_t)y[o + i] - mean;
            const acc_t xhat = d * inv;
            const acc_t rxhat = ((acc_t)ry[o + i] - rmean) * inv + d * rinv;
            rz[o + i] = (real_t)((acc_t)vgamma[i] * xhat + (acc_t)gamma[i] * rxhat + (acc_t)vbeta[i]);
        }
    }
}

// Per-column statistics for the backward passes: stats[c] = mean, stats[cols + c] = inv and, when with_r,
// stats[2 cols + c] = R{mean}, stats[3 cols + c] = R{inv}. Without R, ry is not read (the host passes y).
__kernel void KNAME(pointwise_lnstats_fwd)(__global const real_t* y, int y_off, __global const real_t* ry, int ry_off,
                                           __global acc_t* stats, int stats_off, int rows, int cols, acc_t eps,
                                           int with_r) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    y += y_off;
    ry += ry_off;
    stats += stats_off;
    for (int c = get_group_id(0); c < cols; c += get_num_groups(0)) {
        const long o = (long)c * rows;
        acc_t mean, inv, rmean, rinv;
        pointwise_ln_stats(y, ry, o, rows, eps, with_r, scratch, &mean, &inv, &rmean, &rinv);
        if (get_local_id(0) == 0) {
            stats[c] = mean;
            stats[(long)cols + c] = inv;
            if (with_r) {
                stats[2 * (long)cols + c] = rmean;
                stats[3 * (long)cols + c] = rinv;
            }
        }
    }
}

// G_gamma[i] = sum_c G_z xhat, G_beta[i] = sum_c G_z (overwritten); tiles as colsum.
__kernel void KNAME(pointwise_lnparams_bwd)(__global const real_t* y, int y_off, __global const real_t* gz,
                                            int gz_off, __global const acc_t* stats, int stats_off,
                                            __global real_t* ggamma, int ggamma_off, __global real_t* gbeta,
                                            int gbeta_off, int rows, int cols) {
    GS_SHARED acc_t part[2 * GS_LOCAL];
    y += y_off;
    gz += gz_off;
    stats += stats_off;
    ggamma += ggamma_off;
    gbeta += gbeta_off;
    const int l = get_local_id(0), lane = l % POINTWISE_LANES, slice = l / POINTWISE_LANES;
    for (long r0 = (long)get_group_id(0) * POINTWISE_LANES; r0 < rows;
         r0 += (long)get_num_groups(0) * POINTWISE_LANES) {
        const long i = r0 + lane;
        acc_t s[2] = {0, 0};
        if (i < rows) {
            for (int c = slice; c < cols; c += POINTWISE_SLICES) {
                const long e = (long)c * rows + i;
                const acc_t xhat = ((acc_t)y[e] - stats[c]) * stats[(long)cols + c];
                const acc_t g = (acc_t)gz[e];
                s[0] += g * xhat;
                s[1] += g;
            }
        }
        pointwise_fold_slices(s, 2, part);
        if (slice == 0 && i < rows) {
            ggamma[i] = (real_t)s[0];
            gbeta[i] = (real_t)s[1];
        }
    }
}

// G_y = inv (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = G_z gamma; mean and inv from lnstats.
// dxhat is rounded on its own (no FMA) so both passes use the same value, and rows = 1 gives the twin's exact 0.
// gy may alias gz: the column is read in full before the second pass, which reads element i before writing it.
__kernel void KNAME(pointwise_layernorm_bwd)(__global const real_t* y, int y_off, __global const real_t* gamma,
                                             int gamma_off, __global const real_t* gz, int gz_off,
                                             __global const acc_t* stats, int stats_off, __global real_t* gy,
                                             int gy_off, int rows, int cols) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    y += y_off;
    gamma += gamma_off;
    gz += gz_off;
    stats += stats_off;
    gy += gy_off;
    for (int c = get_group_id(0); c < cols; c += get_num_groups(0)) {
        const long o = (long)c * rows;
        const acc_t mean = stats[c], inv = stats[(long)cols + c];
        acc_t sd = 0, sdx = 0;
        for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
            const acc_t xhat = ((acc_t)y[o + i] - mean) * inv;
            const acc_t dxhat = GS_MUL((acc_t)gz[o + i], (acc_t)gamma[i]);
            sd += dxhat;
            sdx += dxhat * xhat;
        }
        const acc_t meanD = gs_group_sum(sd, scratch) / rows;
        const acc_t meanDX = gs_group_sum(sdx, scratch) / rows;
        for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
            const acc_t xhat = ((acc_t)y[o + i] - mean) * inv;
            const acc_t dxhat = GS_MUL((acc_t)gz[o + i], (acc_t)gamma[i]);
            gy[o + i] = (real_t)(inv * (dxhat - meanD - xhat * meanDX));
        }
    }
}

// R{G_gamma}[i] = sum_c (R{G_z} xhat + G_z R{xhat}), R{G_beta}[i] = sum_c R{G_z} (overwritten); tiles as colsum.
__kernel void KNAME(pointwise_lnparams_bwdr)(__global const real_t* y, int y_off, __global const real_t* ry,
                                             int ry_off, __global const real_t* gz, int gz_off,
                                             __global const real_t* rgz, int rgz_off, __global const acc_t* stats,
                                             int stats_off, __global real_t* rggamma, int rggamma_off,
                                             __global real_t* rgbeta, int rgbeta_off, int rows, int cols) {
    GS_SHARED acc_t part[2 * GS_LOCAL];
    y += y_off;
    ry += ry_off;
    gz += gz_off;
    rgz += rgz_off;
    stats += stats_off;
    rggamma += rggamma_off;
    rgbeta += rgbeta_off;
    const int l = get_local_id(0), lane = l % POINTWISE_LANES, slice = l / POINTWISE_LANES;
    const long n = (long)cols;
    for (long r0 = (long)get_group_id(0) * POINTWISE_LANES; r0 < rows;
         r0 += (long)get_num_groups(0) * POINTWISE_LANES) {
        const long i = r0 + lane;
        acc_t s[2] = {0, 0};
        if (i < rows) {
            for (int c = slice; c < cols; c += POINTWISE_SLICES) {
                const long e = (long)c * rows + i;
                const acc_t mean = stats[c], inv = stats[n + c], rmean = stats[2 * n + c], rinv = stats[3 * n + c];
                const acc_t d = (acc_t)y[e] - mean;
                const acc_t xhat = d * inv;
                const acc_t rxhat = ((acc_t)ry[e] - rmean) * inv + d * rinv;
                const acc_t g = (acc_t)gz[e], rg = (acc_t)rgz[e];
                s[0] += rg * xhat + g * rxhat;
                s[1] += rg;
            }
        }
        pointwise_fold_slices(s, 2, part);
        if (slice == 0 && i < rows) {
            rggamma[i] = (real_t)s[0];
            rgbeta[i] = (real_t)s[1];
        }
    }
}

// R{G_y} = R{inv} (dx - A - xhat B) + inv (R{dx} - R{A} - R{xhat} B - xhat R{B}); statistics from lnstats (with_r).
// dx and R{dx} are rounded on their own, so both passes use the same values (see layernorm_bwd).
__kernel void KNAME(pointwise_layernorm_bwdr)(__global const real_t* y, int y_off, __global const real_t* ry,
                                              int ry_off, __global const real_t* gamma, int gamma_off,
                                              __global const real_t* vgamma, int vgamma_off,
                                              __global const real_t* gz, int gz_off, __global const real_t* rgz,
                                              int rgz_off, __global const acc_t* stats, int stats_off,
                                              __global real_t* rgy, int rgy_off, int rows, int cols) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    y += y_off;
    ry += ry_off;
    gamma += gamma_off;
    vgamma += vgamma_off;
    gz += gz_off;
    rgz += rgz_off;
    stats += stats_off;
    rgy += rgy_off;
    const long n = (long)cols;
    for (int c = get_group_id(0); c < cols; c += get_num_groups(0)) {
        const long o = (long)c * rows;
        const acc_t mean = stats[c], inv = stats[n + c], rmean = stats[2 * n + c], rinv = stats[3 * n + c];
        acc_t sa = 0, sb = 0, sra = 0, srb = 0;
        for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
            const acc_t d = (acc_t)y[o + i] - mean;
            const acc_t xhat = d * inv;
            const acc_t rxhat = ((acc_t)ry[o + i] - rmean) * inv + d * rinv;
            const acc_t g = (acc_t)gz[o + i], rg = (acc_t)rgz[o + i];
            const acc_t dx = GS_MUL(g, (acc_t)gamma[i]);                           // dL/dxhat
            const acc_t rdx = GS_MUL(rg, (acc_t)gamma[i]) + GS_MUL(g, (acc_t)vgamma[i]);
            sa += dx;
            sb += dx * xhat;
            sra += rdx;
            srb += rdx * xhat + dx * rxhat;
        }
        const acc_t a = gs_group_sum(sa, scratch) / rows;
        const acc_t b = gs_group_sum(sb, scratch) / rows;
        const acc_t ra = gs_group_sum(sra, scratch) / rows;
        const acc_t rb = gs_group_sum(srb, scratch) / rows;
        for (int i = get_local_id(0); i < rows; i += GS_LOCAL) {
            const acc_t d = (acc_t)y[o + i] - mean;
            const acc_t xhat = d * inv;
            const acc_t rxhat = ((acc_t)ry[o + i] - rmean) * inv + d * rinv;
            const acc_t g = (acc_t)gz[o + i], rg = (acc_t)rgz[o + i];
            const acc_t dx = GS_MUL(g, (acc_t)gamma[i]);
            const acc_t rdx = GS_MUL(rg, (acc_t)gamma[i]) + GS_MUL(g, (acc_t)vgamma[i]);
            const acc_t inner = dx - a - xhat * b;
            const acc_t rinner = rdx - ra - rxhat * b - xhat * rb;
            rgy[o + i] = (real_t)(rinv * inner + inv * rinner);
        }
    }
}
