// loss.cu: the loss heads on logits o, per sample b with label y_b (SCIENCE d.1).
//   xent: L_b = logsumexp(o_b) - o_b[y_b],  G_b = scale (p_b - onehot(y_b)),  p_b = softmax(o_b),
//         R{G_b} = scale p_b (R{o_b} - p_b . R{o_b});
//   mse:  L_b = 1/2 |o_b - onehot(y_b)|^2,  G_b = scale (o_b - onehot(y_b)),  R{G_b} = scale R{o_b}.
// Layout: o, G, R{o}, R{G} are classes x batch column-major (class c of sample b at b*classes + c); y holds batch
// class indices stored as numbers in the logits dtype. Arithmetic in double for both dtypes, rounded on store.
// CPU twin: org.goldstone.backend.cpu.CpuLoss.
// Launch: block 256. fwd: grid CudaBackend.reductionBlocks(batch, 256) (at most MAX_PARTIALS / 3), one thread per
//   sample, grid-stride; block blk writes partials[blk] = its summed loss, partials[grid + blk] = its correct
//   count, partials[2 grid + blk] = -(its first sample with an invalid label), or -inf when it has none; the host
//   sums the partials in index order. xent rop: one thread per sample, grid blocksFor(batch, 256). mse rop:
//   elementwise over classes*batch, grid blocksFor(classes*batch, 256).
// One thread per sample keeps each sample's passes (max, sum, write) in registers with no block synchronization;
// a thread's classes are contiguous, so neighbouring threads read `classes` elements apart and L1 serves the rest.
// Measured: H200 (driver 580.159.04, CUDA 13.0), 2026-11-26: matches the CPU twin on every parity shape
// (benchmarks/gpu/cuda-check.sh); no per-kernel timing yet (the op-family JMH benchmarks come with the GPU-speed issue).
#include "common.cuh"

// The twin's label rule: an integer in [0, classes); -1 when the stored number is none (NaN fails every test).
template <typename T>
__device__ __forceinline__ int loss_label(const T* __restrict__ y, long b, int classes) {
    const double v = (double)y[b];
    return (v >= 0.0 && v < (double)classes && v == floor(v)) ? (int)v : -1;
}

// Block totals of the three forward accumulators into the partials (layout in the header).
__device__ __forceinline__ void loss_write_partials(double* __restrict__ partials, double loss, double correct,
                                                    double firstBad) {
    loss = gs_block_sum(loss);
    correct = gs_block_sum(correct);
    firstBad = gs_block_max(firstBad);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = loss;
        partials[gridDim.x + blockIdx.x] = correct;
        partials[2 * gridDim.x + blockIdx.x] = firstBad;
    }
}

template <typename T>
__device__ void loss_xent_fwd_body(const T* __restrict__ o, const T* __restrict__ y, T* __restrict__ g,
                                   double* __restrict__ partials, int classes, int batch, double scale) {
    double loss = 0.0, correct = 0.0, firstBad = -INFINITY;
    GS_GRID_STRIDE(b, batch) {
        const int label = loss_label(y, b, classes);
        if (label < 0) {                               // the host throws; never index o with it
            firstBad = fmax(firstBad, -(double)b);
            continue;
        }
        const T* ob = o + b * classes;
        T* gb = g + b * classes;
        double mx = -INFINITY;
        int arg = 0;
        for (int c = 0; c < classes; ++c) {            // strict >: the first maximum wins a tie, as in the twin
            const double v = (double)ob[c];
            if (v > mx) {
                mx = v;
                arg = c;
            }
        }
        double z = 0.0;
        for (int c = 0; c < classes; ++c) z += exp((double)ob[c] - mx);   // max-shifted: no overflow at |o| ~ 1e3
        const double logZ = mx + log(z);
        loss += logZ - (double)ob[label];
        if (arg == label) correct += 1.0;
        for (int c = 0; c < classes; ++c) {
            const double p = exp((double)ob[c] - logZ);
            gb[c] = (T)(scale * (p - (c == label ? 1.0 : 0.0)));
        }
    }
    loss_write_partials(partials, loss, correct, firstBad);
}

template <typename T>
__device__ void loss_mse_fwd_body(const T* __restrict__ o, const T* __restrict__ y, T* __restrict__ g,
                                  double* __restrict__ partials, int classes, int batch, double scale) {
    double loss = 0.0, correct = 0.0, firstBad = -INFINITY;
    GS_GRID_STRIDE(b, batch) {
        const int label = loss_label(y, b, classes);
        if (label < 0) {
            firstBad = fmax(firstBad, -(double)b);
            continue;
        }
        const T* ob = o + b * classes;
        T* gb = g + b * classes;
        int arg = 0;
        for (int c = 0; c < classes; ++c) {
            const double v = (double)ob[c];
            if (v > (double)ob[arg]) arg = c;          // strict >, starting at class 0: the first maximum wins
            const double d = v - (c == label ? 1.0 : 0.0);
            loss += 0.5 * d * d;
            gb[c] = (T)(scale * d);
        }
        if (arg == label) correct += 1.0;
    }
    loss_write_partials(partials, loss, correct, firstBad);
}

template <typename T>
__device__ void loss_xent_rop_body(const T* __restrict__ o, const T* __restrict__ ro, T* __restrict__ rg,
                                   int classes, int batch, double scale) {
    GS_GRID_STRIDE(b, batch) {
        const T* ob = o + b * classes;
        const T* rob = ro + b * classes;
        T* rgb = rg + b * classes;
        double mx = -INFINITY;
        for (int c = 0; c < classes; ++c) mx = fmax(mx, (double)ob[c]);
        double z = 0.0;
        for (int c = 0; c < classes; ++c) z += exp((double)ob[c] - mx);
        // p_c = exp(o_c - max) / z as in the twin; recomputing the exp is cheaper than a per-thread array and
        // gives the same bits every time.
        double pr = 0.0;
        for (int c = 0; c < classes; ++c) pr += exp((double)ob[c] - mx) / z * (double)rob[c];
        for (int c = 0; c < classes; ++c) {
            const double p = exp((double)ob[c] - mx) / z;
            rgb[c] = (T)(scale * p * ((double)rob[c] - pr));
        }
    }
}

template <typename T>
__device__ void loss_mse_rop_body(const T* __restrict__ ro, T* __restrict__ rg, int classes, int batch,
                                  double scale) {
    const long n = (long)classes * batch;
    GS_GRID_STRIDE(i, n) rg[i] = (T)(scale * (double)ro[i]);
}

#define GS_LOSS(T, SUF)                                                                                            \
    extern "C" __global__ void loss_xent_fwd_##SUF(const T* __restrict__ o, const T* __restrict__ y,             \
                                                   T* __restrict__ g, double* __restrict__ partials, int classes, \
                                                   int batch, double scale) {                                     \
        loss_xent_fwd_body<T>(o, y, g, partials, classes, batch, scale);                                         \
    }                                                                                                             \
    extern "C" __global__ void loss_mse_fwd_##SUF(const T* __restrict__ o, const T* __restrict__ y,              \
                                                  T* __restrict__ g, double* __restrict__ partials, int classes,  \
                                                  int batch, double scale) {                                      \
        loss_mse_fwd_body<T>(o, y, g, partials, classes, batch, scale);                                          \
    }                                                                                                             \
    extern "C" __global__ void loss_xent_rop_##SUF(const T* __restrict__ o, const T* __restrict__ ro,            \
                                                   T* __restrict__ rg, int classes, int batch, double scale) {    \
        loss_xent_rop_body<T>(o, ro, rg, classes, batch, scale);                                                 \
    }                                                                                                             \
    extern "C" __global__ void loss_mse_rop_##SUF(const T* __restrict__ ro, T* __restrict__ rg, int classes,     \
                                                  int batch, double scale) {                                      \
        loss_mse_rop_body<T>(ro, rg, classes, batch, scale);                                                     \
    }

GS_LOSS(float, f32)
GS_LOSS(double, f64)
#undef GS_LOSS
