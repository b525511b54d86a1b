package org.goldstone.backend.opencl;

import static org.jocl.CL.CL_DEVICE_EXTENSIONS;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clReleaseProgram;
import static org.jocl.CL.clSetKernelArg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.goldstone.backend.Backend;
import org.goldstone.backend.BackendException;
import org.goldstone.backend.BackendUnavailableException;
import org.goldstone.backend.BlockPool;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.backend.KernelLaunchException;
import org.goldstone.backend.LanczosOps;
import org.goldstone.backend.LossOps;
import org.goldstone.backend.NormActOps;
import org.goldstone.backend.OptimOps;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.backend.ReduceOps;
import org.goldstone.backend.device.DeviceEquivLinear;
import org.goldstone.backend.device.DeviceLanczos;
import org.goldstone.backend.device.DeviceLoss;
import org.goldstone.backend.device.DeviceNormAct;
import org.goldstone.backend.device.DeviceOptim;
import org.goldstone.backend.device.DevicePointwise;
import org.goldstone.backend.device.DeviceReduce;
import org.goldstone.backend.device.KernelLaunch;
import org.goldstone.backend.device.Kernels;
import org.goldstone.tensor.DType;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * An OpenCL device through JOCL: one context, one in-order queue (kernels run in the order they are queued), pooled
 * buffers, and the kernels of {@link ClProgram} built for the device (fp64 kernels only where it reports
 * cl_khr_fp64). Transfers are blocking; errors from the device surface at the next transfer or
 * {@link #synchronize()}, named with the last kernel launched; {@code -Dgoldstone.opencl.syncEachLaunch=true}
 * finishes the queue after every launch so an error names its own kernel.
 *
 * <p>Not thread-safe: kernel objects hold their arguments between set and launch.
 */
public final class ClBackend implements Backend {
    private static final boolean SYNC_EACH_LAUNCH = Boolean.getBoolean("goldstone.opencl.syncEachLaunch");
    /** Elements in the reduction scratch buffer: the most work-groups a reduction kernel may use. */
    static final int MAX_PARTIALS = 4096;

    /** One OpenCL device as {@link #devices()} lists it. */
    public record Device(int index, String platform, String name, String version, String driver, long memory,
                         int computeUnits, boolean gpu, boolean fp64) {
        public String describe() {
            return String.format(Locale.ROOT, "opencl:%d %s (%s, %s, driver %s), %.1f GiB, %d compute units, fp64 %s",
                    index, name, platform, version, driver, memory / 1073741824.0, computeUnits, fp64 ? "yes" : "no");
        }
    }

    private final Device info;
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program32;
    private final cl_program program64;
    private final Map<String, cl_kernel> compiled = new HashMap<>();
    private final BlockPool<cl_mem> pool;
    private ClBuffer partials;
    private String lastKernel = "(none yet)";
    private boolean closed;

    /** This backend as the shared launchers see it. */
    Kernels kernels() {
        return kernels;
    }

    private final Kernels kernels = new Kernels() {
        @Override
        public Backend backend() {
            return ClBackend.this;
        }

        @Override
        public KernelLaunch kernel(String familyPass, DType dtype) {
            return ClBackend.this.kernel(familyPass, dtype);
        }

        @Override
        public KernelLaunch kernel(String fullName) {
            return ClBackend.this.kernel(fullName);
        }

        @Override
        public int blocksFor(long work, int threads) {
            return ClBackend.this.groupsFor(work, threads);
        }

        @Override
        public int reductionBlocks(long work, int threads) {
            return ClBackend.this.reductionGroups(work, threads);
        }

        @Override
        public DType accDtype() {
            return info.fp64() ? DType.F64 : DType.F32;
        }

        @Override
        public void copySameDtype(DeviceBuffer src, DeviceBuffer dst) {
            ClBuffer s = ClBuffer.of(src, ClBackend.this), d = ClBuffer.of(dst, ClBackend.this);
            ensureOpen();
            try {
                clEnqueueCopyBuffer(queue, s.mem(), d.mem(), s.byteOffset(), d.byteOffset(), s.bytes(), 0, null, null);
            } catch (CLException e) {
                throw asyncError("device-to-device copy of " + s.bytes() + " bytes", e);
            }
        }

        @Override
        public int maxPartials() {
            return MAX_PARTIALS;
        }

        @Override
        public DeviceBuffer partials() {
            return ClBackend.this.partials();
        }

        @Override
        public double sumPartials(int count) {
            return ClBackend.this.sumPartials(count);
        }

        @Override
        public double[] readPartials(int count) {
            return ClBackend.this.readPartials(count);
        }

        @Override
        public void requireOwn(DeviceBuffer b) {
            ClBuffer.of(b, ClBackend.this);
        }
    };

    private final DeviceEquivLinear equivLinear;
    private final DeviceNormAct normAct;
    private final DevicePointwise pointwise;
    private final DeviceLoss loss;
    private final DeviceOptim optim;
    private final DeviceReduce reduce;
    private final DeviceLanczos lanczos;

    private ClBackend(int index) {
        CL.setExceptionsEnabled(true);
        List<Device> all = new ArrayList<>();
        List<cl_device_id> ids = new ArrayList<>();
        enumerate(all, ids);
        if (all.isEmpty()) {
            throw new BackendUnavailableException("opencl: no OpenCL device (an ICD loader was found, but no"
                    + " platform reports a device; install a driver, e.g. pocl-opencl-icd)");
        }
        if (index < 0) {                                    // "opencl": the first GPU, else the first device
            index = 0;
            for (Device d : all) {
                if (d.gpu()) {
                    index = d.index();
                    break;
                }
            }
        }
        if (index >= all.size()) {
            throw new BackendUnavailableException("opencl: expected a device index in [0, " + all.size()
                    + "), found " + index);
        }
        this.info = all.get(index);
        cl_device_id device = ids.get(index);
        this.context = clCreateContext(null, 1, new cl_device_id[] {device}, null, null, null);
        this.queue = clCreateCommandQueue(context, device, 0, null);
        String identity = info.name() + " | " + info.platform() + " | " + info.version() + " | " + info.driver();
        String source = ClProgram.source();
        String fp = info.fp64() ? " -DGS_HAS_FP64=1" : " -DGS_HAS_FP64=0";
        this.program32 = ClProgram.build(context, device, identity, source, "-DGS_F64=0" + fp);
        this.program64 = info.fp64() ? ClProgram.build(context, device, identity, source, "-DGS_F64=1" + fp) : null;
        this.pool = new BlockPool<>(new BlockPool.Device<>() {
            @Override
            public cl_mem allocate(long bytes) {
                return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
            }

            @Override
            public void free(cl_mem m) {
                clReleaseMemObject(m);
            }

            @Override
            public boolean isOutOfMemory(RuntimeException e) {
                return e instanceof CLException && (((CLException) e).getStatus() == CL_MEM_OBJECT_ALLOCATION_FAILURE
                        || ((CLException) e).getStatus() == CL_OUT_OF_RESOURCES);
            }

            @Override
            public void synchronize() {
                ClBackend.this.synchronize();
            }

            @Override
            public String name() {
                return "opencl";
            }
        });
        this.equivLinear = new DeviceEquivLinear(kernels, null);
        this.normAct = new DeviceNormAct(kernels);
        this.pointwise = new DevicePointwise(kernels);
        this.loss = new DeviceLoss(kernels);
        this.optim = new DeviceOptim(kernels);
        this.reduce = new DeviceReduce(kernels);
        this.lanczos = new DeviceLanczos(kernels);
    }

    /**
     * Opens device {@code index} of {@link #devices()}, or with a negative index the first GPU (else the first
     * device). Throws what JOCL throws ({@link CLException}, or {@link UnsatisfiedLinkError} without an OpenCL ICD
     * loader): {@code Backends} turns those into one-line reasons.
     */
    public static ClBackend open(int index) {
        return new ClBackend(index);
    }

    /** Every device of every platform, in platform order. */
    public static List<Device> devices() {
        CL.setExceptionsEnabled(true);
        List<Device> all = new ArrayList<>();
        enumerate(all, new ArrayList<>());
        return all;
    }

    private static void enumerate(List<Device> out, List<cl_device_id> ids) {
        int[] n = new int[1];
        clGetPlatformIDs(0, null, n);
        cl_platform_id[] platforms = new cl_platform_id[n[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        for (cl_platform_id p : platforms) {
            String platform = platformString(p, CL_PLATFORM_NAME);
            int[] count = new int[1];
            try {
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, count);
            } catch (CLException e) {
                continue;                                   // CL_DEVICE_NOT_FOUND: a platform without devices
            }
            cl_device_id[] devs = new cl_device_id[count[0]];
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, devs.length, devs, null);
            for (cl_device_id d : devs) {
                long[] mem = new long[1];
                clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(mem), null);
                int[] units = new int[1];
                clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
                long[] type = new long[1];
                clGetDeviceInfo(d, CL_DEVICE_TYPE, Sizeof.cl_ulong, Pointer.to(type), null);
                String ext = deviceString(d, CL_DEVICE_EXTENSIONS);
                out.add(new Device(out.size(), platform, deviceString(d, CL_DEVICE_NAME),
                        deviceString(d, CL_DEVICE_VERSION), deviceString(d, CL_DRIVER_VERSION), mem[0], units[0],
                        (type[0] & CL_DEVICE_TYPE_GPU) != 0, ext.contains("cl_khr_fp64")));
                ids.add(d);
            }
        }
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String describe() {
        return info.describe();
    }

    public Device device() {
        return info;
    }

    boolean hasFp64() {
        return info.fp64();
    }

    void ensureOpen() {
        if (closed) {
            throw new BackendException("opencl backend is closed");
        }
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int elements) {
        ensureOpen();
        if (elements < 0) {
            throw new BackendException("allocate: expected a non-negative length, found " + elements);
        }
        if (dtype == DType.F64 && !info.fp64()) {
            throw new BackendException("opencl: " + info.name() + " has no cl_khr_fp64: expected F32 buffers, found"
                    + " a request for F64 (use --dtype f32)");
        }
        long bytes = Math.max(1L, (long) elements * dtype.bytes());
        BlockPool.Block<cl_mem> block = pool.take(bytes);
        ClBuffer b = new ClBuffer(this, dtype, block.handle(), elements);
        pool.track(b, block);
        clEnqueueFillBuffer(queue, block.handle(), Pointer.to(new int[] {0}), Sizeof.cl_int, 0, block.bytes(), 0, null,
                null);
        return b;
    }

    @Override
    public void write(DeviceBuffer dst, double[] src) {
        ClBuffer d = ClBuffer.of(dst, this);
        if (src.length != d.length()) {
            throw new BackendException("write: expected " + d.length() + " elements, found " + src.length);
        }
        if (d.length() == 0) {
            return;
        }
        Pointer host;
        if (d.dtype() == DType.F64) {
            host = Pointer.to(src);
        } else {
            float[] f = new float[src.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) src[i];
            }
            host = Pointer.to(f);
        }
        transfer(true, d, host);
    }

    @Override
    public void write(DeviceBuffer dst, float[] src, int srcOffset) {
        ClBuffer d = ClBuffer.of(dst, this);
        if (srcOffset < 0 || srcOffset + d.length() > src.length) {
            throw new BackendException("write: expected " + d.length() + " elements from offset " + srcOffset
                    + ", found an array of " + src.length);
        }
        if (d.length() == 0) {
            return;
        }
        if (d.dtype() == DType.F32) {
            transfer(true, d, Pointer.to(src).withByteOffset((long) srcOffset * Sizeof.cl_float));
        } else {
            double[] x = new double[d.length()];
            for (int i = 0; i < x.length; i++) {
                x[i] = src[srcOffset + i];
            }
            transfer(true, d, Pointer.to(x));
        }
    }

    @Override
    public void read(DeviceBuffer src, double[] dst) {
        ClBuffer s = ClBuffer.of(src, this);
        if (dst.length != s.length()) {
            throw new BackendException("read: expected " + s.length() + " elements, found " + dst.length);
        }
        if (s.length() == 0) {
            synchronize();
            return;
        }
        if (s.dtype() == DType.F64) {
            transfer(false, s, Pointer.to(dst));
        } else {
            float[] f = new float[dst.length];
            transfer(false, s, Pointer.to(f));
            for (int i = 0; i < f.length; i++) {
                dst[i] = f[i];
            }
        }
    }

    /** A blocking transfer between the host array at {@code host} and the view {@code b}. */
    private void transfer(boolean toDevice, ClBuffer b, Pointer host) {
        ensureOpen();
        try {
            if (toDevice) {
                clEnqueueWriteBuffer(queue, b.mem(), true, b.byteOffset(), b.bytes(), host, 0, null, null);
            } else {
                clEnqueueReadBuffer(queue, b.mem(), true, b.byteOffset(), b.bytes(), host, 0, null, null);
            }
        } catch (CLException e) {
            throw asyncError((toDevice ? "host-to-device" : "device-to-host") + " copy of " + b.bytes() + " bytes",
                    e);
        }
    }

    /** The scratch buffer (acc_t: F64 with fp64, else F32) that reductions write one partial per work-group into. */
    ClBuffer partials() {
        if (partials == null) {
            partials = (ClBuffer) allocate(info.fp64() ? DType.F64 : DType.F32, MAX_PARTIALS);
        }
        return partials;
    }

    /** The first {@code count} partials, summed on the host in index order (deterministic). */
    double sumPartials(int count) {
        double s = 0;
        for (double v : readPartials(count)) {
            s += v;
        }
        return s;
    }

    double[] readPartials(int count) {
        double[] out = new double[count];
        read(partials().slice(0, count), out);
        return out;
    }

    /** Work-groups for a grid-stride loop over {@code work} items: enough to fill the device, never more. */
    int groupsFor(long work, int threads) {
        long need = (work + threads - 1) / threads;
        long cap = (long) Math.max(1, info.computeUnits()) * 16;
        return (int) Math.max(1, Math.min(need, cap));
    }

    /** Work-groups for a reduction writing one partial per group (at most {@link #MAX_PARTIALS}). */
    int reductionGroups(long work, int threads) {
        return Math.min(MAX_PARTIALS, Math.min(groupsFor(work, threads), Math.max(1, info.computeUnits()) * 4));
    }

    /** A launch of {@code family_pass} + the dtype suffix. */
    ClLaunch kernel(String familyPass, DType dtype) {
        return new ClLaunch(this, familyPass + ClLaunch.suffix(dtype));
    }

    /** A launch of a kernel by its full name (the fp64 program for _f64 names, else the fp32 one). */
    ClLaunch kernel(String fullName) {
        return new ClLaunch(this, fullName);
    }

    private cl_kernel lookup(String name) {
        cl_kernel k = compiled.get(name);
        if (k == null) {
            cl_program p = name.endsWith("_f64") || name.contains("_f64_") ? program64 : program32;
            if (p == null) {
                throw new BackendException("opencl: " + info.name() + " has no cl_khr_fp64, so kernel " + name
                        + " does not exist here");
            }
            try {
                k = clCreateKernel(p, name, null);
            } catch (CLException e) {
                throw new BackendException("opencl: kernel " + name + " is not in the program built from "
                        + "goldstone/kernels/opencl (" + e.getMessage() + ")", e);
            }
            compiled.put(name, k);
        }
        return k;
    }

    void launch(String name, long[] argSizes, Pointer[] args, long[] global, long[] local) {
        ensureOpen();
        cl_kernel k = lookup(name);
        try {
            for (int a = 0; a < args.length; a++) {
                clSetKernelArg(k, a, argSizes[a], args[a]);
            }
            clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
        } catch (CLException e) {
            throw new KernelLaunchException("opencl: launch of " + name + " (global " + java.util.Arrays.toString(global)
                    + ", local " + java.util.Arrays.toString(local) + ") failed: " + e.getMessage(), e);
        }
        lastKernel = name;
        if (SYNC_EACH_LAUNCH) {
            try {
                clFinish(queue);
            } catch (CLException e) {
                throw new KernelLaunchException("opencl: kernel " + name + " failed: " + e.getMessage(), e);
            }
        }
    }

    private KernelLaunchException asyncError(String what, CLException e) {
        return new KernelLaunchException("opencl: " + what + " failed; the error may come from an earlier kernel,"
                + " the last launched was " + lastKernel + " (rerun with -Dgoldstone.opencl.syncEachLaunch=true): "
                + e.getMessage(), e);
    }

    @Override
    public void synchronize() {
        ensureOpen();
        try {
            clFinish(queue);
        } catch (CLException e) {
            throw asyncError("synchronize", e);
        }
    }

    cl_command_queue queue() {
        return queue;
    }

    @Override
    public EquivLinearOps equivLinear() {
        return equivLinear;
    }

    @Override
    public NormActOps normAct() {
        return normAct;
    }

    @Override
    public PointwiseOps pointwise() {
        return pointwise;
    }

    @Override
    public LossOps loss() {
        return loss;
    }

    @Override
    public OptimOps optim() {
        return optim;
    }

    @Override
    public ReduceOps reduce() {
        return reduce;
    }

    @Override
    public LanczosOps lanczos() {
        return lanczos;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            clFinish(queue);
        } finally {
            closed = true;
            pool.close();
            for (cl_kernel k : compiled.values()) {
                clReleaseKernel(k);
            }
            clReleaseProgram(program32);
            if (program64 != null) {
                clReleaseProgram(program64);
            }
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
        }
    }
}
