package org.goldstone.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.device.KernelLaunch;
import org.goldstone.tensor.DType;

/**
 * One kernel launch, arguments in kernel order (the jcuda-samples idiom, one call per argument):
 * <pre>
 * be.kernel("norm_act_fwd", dtype)
 *         .buf(y)          // const T* y
 *         .buf(z)          // T* z
 *         .i(n)            // int n
 *         .grid(be.blocksFor(units, 256)).block(256)
 *         .run();
 * </pre>
 */
final class Launch implements KernelLaunch {
    private final CudaBackend be;
    private final String kernel;
    private final List<Pointer> args = new ArrayList<>(16);
    private int grid = 1;
    private int gridY = 1;
    private int gridZ = 1;
    private int block = 256;
    private int blockY = 1;
    private int shared;

    Launch(CudaBackend be, String kernel) {
        this.be = be;
        this.kernel = kernel;
    }

    /** The dtype suffix of kernel names: _f32 or _f64. */
    static String suffix(DType dtype) {
        return dtype == DType.F64 ? "_f64" : "_f32";
    }

    @Override
    public Launch buf(DeviceBuffer b) {
        args.add(Pointer.to(CudaBuffer.of(b, be).pointer()));
        be.touched(b);
        return i(0);                                       // the (pointer, offset) pair of the shared kernel source
    }

    /** A bare pointer to element {@code offset} of b, for the CUDA-only kernels (no offset argument follows). */
    Launch ptr(DeviceBuffer b, long offset) {
        CudaBuffer c = CudaBuffer.of(b, be);
        be.touched(b);
        args.add(Pointer.to(offset == 0 ? c.pointer() : c.pointer().withByteOffset(offset * c.dtype().bytes())));
        return this;
    }

    /** A null pointer argument (an optional output the kernel then skips). */
    Launch nullPtr() {
        args.add(Pointer.to(new long[] {0L}));
        return this;
    }

    @Override
    public Launch i(int v) {
        args.add(Pointer.to(new int[] {v}));
        return this;
    }

    @Override
    public Launch l(long v) {
        args.add(Pointer.to(new long[] {v}));
        return this;
    }

    @Override
    public Launch d(double v) {
        args.add(Pointer.to(new double[] {v}));
        return this;
    }

    Launch grid(int blocks) {
        this.grid = blocks;
        return this;
    }

    /** A two-dimensional grid (the GEMM tiles). */
    Launch grid(int x, int y) {
        this.grid = x;
        this.gridY = y;
        return this;
    }

    /** A third grid dimension (the split-K slices of the tensor-core GEMM). */
    Launch gridZ(int z) {
        this.gridZ = z;
        return this;
    }

    Launch block(int threads) {
        this.block = threads;
        return this;
    }

    Launch shared(int bytes) {
        this.shared = bytes;
        return this;
    }

    /** Grid-stride launch over {@code work} items with {@code threads} per block. */
    @Override
    public Launch over(long work, int threads) {
        this.block = threads;
        this.grid = be.blocksFor(work, threads);
        return this;
    }

    @Override
    public Launch blocks(int blocks, int threads) {
        return grid(blocks).block(threads);
    }

    @Override
    public Launch blocks2(int bx, int by, int threads) {
        return grid(bx, by).block(threads);
    }

    /** The 64 x 64 GEMM tiles: one 16 x 16 block per tile (kernels/opencl/equiv_linear.cl). */
    @Override
    public Launch tiles(int bx, int by) {
        grid(bx, by).block(16);
        this.blockY = 16;
        return this;
    }

    @Override
    public void run() {
        be.launch(kernel, grid, gridY, gridZ, block, blockY, shared, args.toArray(new Pointer[0]));
    }
}
