package org.goldstone.backend.device;

import org.goldstone.backend.DeviceBuffer;

/**
 * One kernel launch, arguments in kernel order, one call per argument (the jcuda-samples idiom). A buffer is one
 * call whatever the backend passes for it (CUDA: a pointer; OpenCL: buffer and element offset), a scalar
 * {@link #d(double)} is the kernels' scalar type (double; float on an OpenCL device without fp64). The launchers'
 * trailing comments name the kernel parameters; where they say "T* x, int xo", CUDA takes the pointer alone.
 */
public interface KernelLaunch {
    KernelLaunch buf(DeviceBuffer b);

    KernelLaunch i(int v);

    KernelLaunch l(long v);

    KernelLaunch d(double v);

    /** Grid-stride launch over {@code work} items, blocks of {@code threads}. */
    KernelLaunch over(long work, int threads);

    /** {@code blocks} one-dimensional blocks (work-groups) of {@code threads}. */
    KernelLaunch blocks(int blocks, int threads);

    /** A {@code bx} x {@code by} grid of one-dimensional blocks of {@code threads} (block y = blockIdx.y / group 1). */
    KernelLaunch blocks2(int bx, int by, int threads);

    /**
     * The GEMM tiling of {@code equiv_linear}: a {@code bx} x {@code by} grid of 64 x 64 tiles of C, 256 items per
     * tile (CUDA: one block of 256 threads; OpenCL: a 16 x 16 work-group).
     */
    KernelLaunch tiles(int bx, int by);

    void run();
}
