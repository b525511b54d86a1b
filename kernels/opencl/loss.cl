// loss.cl: the loss heads on logits o, per sample b with label y_b (SCIENCE d.1);
// one source for both backends: the OpenCL driver builds it at run time and nvcc compiles it into the fatbin through
// kernels/cuda/loss.cu (kernels/common/portable.h).
//   xent: L_b = logsumexp(o_b) - o_b[y_b],  G_b = scale (p_b - onehot(y_b)),  p_b = softmax(o_b),
//         R{G_b} = scale p_b (R{o_b} - p_b . R{o_b});
//   mse:  L_b = 1/2 |o_b - onehot(y_b)|^2,  G_b = scale (o_b - onehot(y_b)),  R{G_b} = scale R{o_b}.
// Layout: o, G, R{o}, R{G} are classes x batch column-major (class c of sample b at b*classes + c); y holds batch
// class indices stored as numbers in the logits dtype. Arithmetic in acc_t (double where the device has fp64, as
// the twin does, else float), rounded on store.
// CPU twin: org.goldstone.backend.cpu.CpuLoss.
// Launch: work-groups of GS_LOCAL = 256. fwd: ClBackend.reductionGroups(batch, 256) groups (at most
//   MAX_PARTIALS / 3), one item per sample, grid-stride; group g writes partials[g] = its summed loss,
//   partials[G + g] = its correct count, partials[2 G + g] = -(its first sample with an invalid label), or -inf when
//   it has none (G = number of groups); the host sums the partials in index order. xent rop: one item per sample,
//   groupsFor(batch, 256). mse rop: elementwise over classes*batch, groupsFor(classes*batch, 256).
// One item per sample keeps each sample's passes (max, sum, write) in registers with no group synchronization.
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

// The twin's label rule: an integer in [0, classes); -1 when the stored number is none (NaN fails every test).
GS_FN int loss_label(__global const real_t* y, long b, int classes) {
    const acc_t v = (acc_t)y[b];
    return (v >= (acc_t)0 && v < (acc_t)classes && v == floor(v)) ? (int)v : -1;
}

// Group totals of the three forward accumulators into the partials (layout in the header).
GS_FN void loss_write_partials(__global acc_t* partials, acc_t loss, acc_t correct, acc_t firstBad,
                                GS_LOCAL_PTR acc_t* scratch) {
    loss = gs_group_sum(loss, scratch);
    correct = gs_group_sum(correct, scratch);
    firstBad = gs_group_max(firstBad, scratch);
    if (get_local_id(0) == 0) {
        const int g = get_group_id(0), groups = get_num_groups(0);
        partials[g] = loss;
        partials[groups + g] = correct;
        partials[2 * groups + g] = firstBad;
    }
}

__kernel GS_REQD_WG(GS_LOCAL, 1, 1)
void KNAME(loss_xent_fwd)(__global const real_t* o, int oOff, __global const real_t* y, int yOff,
                          __global real_t* g, int gOff, __global acc_t* partials, int partialsOff,
                          int classes, int batch, acc_t scale) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    o += oOff;
    y += yOff;
    g += gOff;
    partials += partialsOff;
    acc_t loss = 0, correct = 0, firstBad = -INFINITY;
    GS_GRID_STRIDE(b, batch) {
        const int label = loss_label(y, b, classes);
        if (label < 0) {                               // the host throws; never index o with it
            firstBad = fmax(firstBad, -(acc_t)b);
            continue;
        }
        __global const real_t* ob = o + b * classes;
        __global real_t* gb = g + b * classes;
        acc_t mx = -INFINITY;
        int arg = 0;
        for (int c = 0; c < classes; ++c) {            // strict >: the first maximum wins a tie, as in the twin
            const acc_t v = (acc_t)ob[c];
            if (v > mx) {
                mx = v;
                arg = c;
            }
        }
        acc_t z = 0;
        for (int c = 0; c < classes; ++c) z += exp((acc_t)ob[c] - mx);    // max-shifted: no overflow at |o| ~ 1e3
        const acc_t logZ = mx + log(z);
        loss += logZ - (acc_t)ob[label];
        if (arg == label) correct += 1;
        for (int c = 0; c < classes; ++c) {
            const acc_t p = exp((acc_t)ob[c] - logZ);
            gb[c] = (real_t)(scale * (p - (c == label ? (acc_t)1 : (acc_t)0)));
        }
    }
    loss_write_partials(partials, loss, correct, firstBad, scratch);
}

__kernel GS_REQD_WG(GS_LOCAL, 1, 1)
void KNAME(loss_mse_fwd)(__global const real_t* o, int oOff, __global const real_t* y, int yOff,
                         __global real_t* g, int gOff, __global acc_t* partials, int partialsOff,
                         int classes, int batch, acc_t scale) {
    GS_SHARED acc_t scratch[GS_LOCAL];
    o += oOff;
    y += yOff;
    g += gOff;
    partials += partialsOff;
    acc_t loss = 0, correct = 0, firstBad = -INFINITY;
    GS_GRID_STRIDE(b, batch) {
        const int label = loss_label(y, b, classes);
        if (label < 0) {
            firstBad = fmax(firstBad, -(acc_t)b);
            continue;
        }
        __global const real_t* ob = o + b * classes;
        __global real_t* gb = g + b * classes;
        int arg = 0;
        for (int c = 0; c < classes; ++c) {
            const acc_t v = (acc_t)ob[c];
            if (v > (acc_t)ob[arg]) arg = c;          // strict >, starting at class 0: the first maximum wins
            const acc_t d = v - (c == label ? (acc_t)1 : (acc_t)0);
            loss += (acc_t)0.5 * d * d;
            gb[c] = (real_t)(scale * d);
        }
        if (arg == label) correct += 1;
    }
    loss_write_partials(partials, loss, correct, firstBad, scratch);
}

__kernel void KNAME(loss_xent_rop)(__global const real_t* o, int oOff, __global const real_t* ro, int roOff,
                                   __global real_t* rg, int rgOff, int classes, int batch, acc_t scale) {
    o += oOff;
    ro += roOff;
    rg += rgOff;
    GS_GRID_STRIDE(b, batch) {
        __global const real_t* ob = o + b * classes;
        __global const real_t* rob = ro + b * classes;
        __global real_t* rgb = rg + b * classes;
        acc_t mx = -INFINITY;
        for (int c = 0; c < classes; ++c) mx = fmax(mx, (acc_t)ob[c]);
        acc_t z = 0;
        for (int c = 0; c < classes; ++c) z += exp((acc_t)ob[c] - mx);
        // p_c = exp(o_c - max) / z as in the twin; recomputing the exp is cheaper than a per-item array and gives
        // the same bits every time.
        acc_t pr = 0;
        for (int c = 0; c < classes; ++c) pr += exp((acc_t)ob[c] - mx) / z * (acc_t)rob[c];
        for (int c = 0; c < classes; ++c) {
            const acc_t p = exp((acc_t)ob[c] - mx) / z;
            rgb[c] = (real_t)(scale * p * ((acc_t)rob[c] - pr));
        }
    }
}

__kernel void KNAME(loss_mse_rop)(__global const real_t* ro, int roOff, __global real_t* rg, int rgOff,
                                  int classes, int batch, acc_t scale) {
    ro += roOff;
    rg += rgOff;
    const long n = (long)classes * batch;
    GS_GRID_STRIDE(i, n) rg[i] = (real_t)(scale * (acc_t)ro[i]);
}
