// optim.cl: fused optimizer updates over the flat parameter vector, element i;
// one source for both backends: the OpenCL driver builds it at run time and nvcc compiles it into the fatbin through
// kernels/cuda/optim.cu (kernels/common/portable.h):
//   sgd:      theta -= lr g
//   momentum: v = mu v + g;  theta -= lr (nesterov ? g + mu v : v)                      (PyTorch convention)
//   adam:     m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//             theta = theta keep - lr (m / c1) / (sqrt(v / c2) + eps),  keep = 1 - lr decay  (AdamW when decay > 0)
//             with c1 = 1 - b1^t, c2 = 1 - b2^t and keep computed once on the host in double, as the twin does.
// Layout: theta, g, m, v are flat vectors of n elements of one dtype, each a (pointer, element offset) pair.
// Arithmetic in acc_t (double where the device has fp64), rounded on store; the m and v that enter the theta update
// are the unrounded acc_t values, as in the twin. Same operation order as the twin, and FP_CONTRACT OFF (portable.h)
// keeps a*b + c from becoming an FMA, so with IEEE / and sqrt in double the update is bit-identical to the twin.
// CPU twin: org.goldstone.backend.cpu.CpuOptim.
// Launch: blocks (work-groups) of GS_LOCAL = 256, Kernels.blocksFor(n, 256) of them, grid-stride.
// Measured: H200 (driver 580.159.04), 2026-11-26: matches the CPU twin on every parity shape, compiled both ways (CUDA
// and NVIDIA OpenCL, benchmarks/gpu/results-2026-11-26/parity-one-source.txt) and on PoCL; no per-kernel timing yet.

__kernel void KNAME(optim_sgd)(__global real_t* theta, int to, __global const real_t* g, int go, int n, acc_t lr) {
    GS_GRID_STRIDE(i, n) theta[to + i] = (real_t)((acc_t)theta[to + i] - lr * (acc_t)g[go + i]);
}

__kernel void KNAME(optim_momentum)(__global real_t* theta, int to, __global const real_t* g, int go,
                                    __global real_t* v, int vo, int n, acc_t lr, acc_t mu, int nesterov) {
    GS_GRID_STRIDE(i, n) {
        const acc_t gi = (acc_t)g[go + i];
        const acc_t vi = mu * (acc_t)v[vo + i] + gi;
        v[vo + i] = (real_t)vi;
        const acc_t step = nesterov ? gi + mu * vi : vi;
        theta[to + i] = (real_t)((acc_t)theta[to + i] - lr * step);
    }
}

__kernel void KNAME(optim_adam)(__global real_t* theta, int to, __global const real_t* g, int go,
                                __global real_t* m, int mo, __global real_t* v, int vo, int n, acc_t lr,
                                acc_t beta1, acc_t beta2, acc_t eps, acc_t c1, acc_t c2, acc_t keep) {
    const acc_t ob1 = 1 - beta1, ob2 = 1 - beta2;
    GS_GRID_STRIDE(i, n) {
        const acc_t gi = (acc_t)g[go + i];
        const acc_t mi = beta1 * (acc_t)m[mo + i] + ob1 * gi;
        const acc_t vi = beta2 * (acc_t)v[vo + i] + ob2 * gi * gi;
        m[mo + i] = (real_t)mi;
        v[vo + i] = (real_t)vi;
        const acc_t den = sqrt(vi / c2) + eps;
        const acc_t step = lr * (mi / c1) / den;
        theta[to + i] = (real_t)((acc_t)theta[to + i] * keep - step);
    }
}
