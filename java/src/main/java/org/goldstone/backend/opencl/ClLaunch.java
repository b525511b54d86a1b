package org.goldstone.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.device.KernelLaunch;
import org.goldstone.tensor.DType;
import org.jocl.Pointer;
import org.jocl.Sizeof;

/**
 * One kernel launch, arguments in kernel order, one call per argument: {@link #buf} passes a buffer as its two
 * kernel arguments (pointer, int offset), {@link #d} a scalar as the program's acc_t (double where the device has
 * fp64, else float).
 */
final class ClLaunch implements KernelLaunch {
    private final ClBackend be;
    private final String kernel;
    private final List<long[]> sizes = new ArrayList<>(24);
    private final List<Pointer> values = new ArrayList<>(24);
    private long[] global = {1};
    private long[] local = {1};

    ClLaunch(ClBackend be, String kernel) {
        this.be = be;
        this.kernel = kernel;
    }

    static String suffix(DType dtype) {
        return dtype == DType.F64 ? "_f64" : "_f32";
    }

    @Override
    public ClLaunch buf(DeviceBuffer b) {
        ClBuffer c = ClBuffer.of(b, be);
        add(Sizeof.cl_mem, Pointer.to(c.mem()));
        return i((int) c.offset());                     // views lie within an int-length buffer
    }

    @Override
    public ClLaunch i(int v) {
        return add(Sizeof.cl_int, Pointer.to(new int[] {v}));
    }

    @Override
    public ClLaunch l(long v) {
        return add(Sizeof.cl_long, Pointer.to(new long[] {v}));
    }

    @Override
    public ClLaunch d(double v) {
        return be.hasFp64() ? add(Sizeof.cl_double, Pointer.to(new double[] {v}))
                : add(Sizeof.cl_float, Pointer.to(new float[] {(float) v}));
    }

    private ClLaunch add(int size, Pointer p) {
        sizes.add(new long[] {size});
        values.add(p);
        return this;
    }

    /** Grid-stride launch over {@code work} items in work-groups of {@code threads}. */
    @Override
    public ClLaunch over(long work, int threads) {
        return groups(be.groupsFor(work, threads), threads);
    }

    /** {@code groups} work-groups of {@code threads} items (one dimension). */
    ClLaunch groups(int groups, int threads) {
        this.global = new long[] {(long) groups * threads};
        this.local = new long[] {threads};
        return this;
    }

    /** A two-dimensional launch: groupsX x groupsY work-groups of localX x localY items. */
    ClLaunch groups2(int groupsX, int groupsY, int localX, int localY) {
        this.global = new long[] {(long) groupsX * localX, (long) groupsY * localY};
        this.local = new long[] {localX, localY};
        return this;
    }

    @Override
    public ClLaunch blocks(int blocks, int threads) {
        return groups(blocks, threads);
    }

    @Override
    public ClLaunch blocks2(int bx, int by, int threads) {
        return groups2(bx, by, threads, 1);
    }

    /** The 64 x 64 GEMM tiles: one 16 x 16 work-group per tile (kernels/opencl/equiv_linear.cl). */
    @Override
    public ClLaunch tiles(int bx, int by) {
        return groups2(bx, by, 16, 16);
    }

    @Override
    public void run() {
        long[] argSizes = new long[sizes.size()];
        for (int k = 0; k < argSizes.length; k++) {
            argSizes[k] = sizes.get(k)[0];
        }
        be.launch(kernel, argSizes, values.toArray(new Pointer[0]), global, local);
    }
}
