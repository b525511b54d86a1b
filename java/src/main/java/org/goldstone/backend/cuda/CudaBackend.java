package org.goldstone.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
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
import org.goldstone.backend.device.GemmProvider;
import org.goldstone.backend.device.DeviceLanczos;
import org.goldstone.backend.device.DeviceLoss;
import org.goldstone.backend.device.DeviceNormAct;
import org.goldstone.backend.device.DeviceOptim;
import org.goldstone.backend.device.DevicePointwise;
import org.goldstone.backend.device.DeviceReduce;
import org.goldstone.backend.device.KernelLaunch;
import org.goldstone.backend.device.Kernels;
import org.goldstone.tensor.DType;

/**
 * An NVIDIA GPU through JCuda's driver API: the device's primary context, one stream for all work (kernels run in
 * the order they are queued, so no op needs its own synchronization), a pooled allocator, pinned host staging for
 * transfers, and the kernels of the embedded fatbin. Errors from the device are asynchronous: they surface at the
 * next transfer or {@link #synchronize()}, named with the last kernel launched; with
 * {@code -Dgoldstone.cuda.syncEachLaunch=true} every launch synchronizes, so the error names its own kernel.
 *
 * <p>Not thread-safe: one thread drives a backend at a time (the context is made current on that thread).
 */
public final class CudaBackend implements Backend {
    private static final boolean SYNC_EACH_LAUNCH = Boolean.getBoolean("goldstone.cuda.syncEachLaunch");
    /** Doubles in the reduction scratch buffer: the largest grid a reduction kernel may use. */
    static final int MAX_PARTIALS = 4096;

    private final int ordinal;
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final CudaModule module;
    private final BlockPool<CUdeviceptr> pool = new BlockPool<>(new BlockPool.Device<>() {
        @Override
        public CUdeviceptr allocate(long bytes) {
            CUdeviceptr p = new CUdeviceptr();
            cuMemAlloc(p, bytes);
            return p;
        }

        @Override
        public void free(CUdeviceptr p) {
            cuMemFree(p);
        }

        @Override
        public boolean isOutOfMemory(RuntimeException e) {
            return e instanceof CudaException && e.getMessage() != null
                    && e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY));
        }

        @Override
        public void synchronize() {
            CudaBackend.this.synchronize();
        }

        @Override
        public String name() {
            return "cuda";
        }
    });
    private final String description;
    private final int multiprocessors;
    private final int computeMajor;
    private final int computeMinor;
    private final long totalMemory;
    private final String deviceName;
    private Pointer staging;
    private ByteBuffer stagingBytes;
    private long stagingCapacity;
    private CudaBuffer partials;
    private String lastKernel = "(none yet)";
    /** While a graph capture is open: every buffer a launch touches or an allocation returns (CudaGraphs). */
    private java.util.List<DeviceBuffer> tracked;
    private Thread boundThread;
    private boolean closed;

    private final DeviceEquivLinear equivLinear;
    private final DeviceNormAct normAct;
    private final DevicePointwise pointwise;
    private final DeviceLoss loss;
    private final DeviceOptim optim;
    private final DeviceReduce reduce;
    private final DeviceLanczos lanczos;

    /** The cuBLAS GEMM provider, or null when the native kernels serve every GEMM. */
    /** The cuBLAS provider (--gemm cublas, cublas-tf32, cublas-bf16), else null. */
    private final CublasGemm cublas;
    /** The GEMM provider in use: cuBLAS, the tensor-core kernel, or null for the equiv_linear kernels. */
    private final GemmProvider gemmProvider;

    /** Who runs the equivariant matmul's GEMMs (the {@code --gemm} choices). */
    public enum Gemm {
        /** The engine's SIMT kernels (exact fp32 and fp64). */
        NATIVE(null),
        /** cuBLAS, default math (exact fp32). */
        CUBLAS(CublasGemm.Mode.EXACT),
        /** cuBLAS with TF32 tensor-op math for fp32. */
        CUBLAS_TF32(CublasGemm.Mode.TF32),
        /** cuBLAS for fp32 on inputs rounded to bf16 (nearest even), fp32 accumulation; fp64 as CUBLAS. */
        CUBLAS_BF16(CublasGemm.Mode.BF16),
        /** The engine's tensor-core kernel for fp32 (TF32 inputs), SIMT kernels for fp64. */
        TF32(null);

        /** The cuBLAS math mode, or null when the engine's own kernels run the GEMMs. */
        private final CublasGemm.Mode cublasMode;

        Gemm(CublasGemm.Mode cublasMode) {
            this.cublasMode = cublasMode;
        }

        /** Whether this provider is cuBLAS (so opening it needs JCublas2 and libcublas). */
        public boolean cublas() {
            return cublasMode != null;
        }
    }

    /** This backend as the shared launchers see it (the GEMM providers launch the U(1) block kernels through it). */
    Kernels kernels() {
        return kernels;
    }

    /** This backend as the shared launchers see it. */
    private final Kernels kernels = new Kernels() {
        @Override
        public Backend backend() {
            return CudaBackend.this;
        }

        @Override
        public KernelLaunch kernel(String familyPass, DType dtype) {
            return CudaBackend.this.kernel(familyPass, dtype);
        }

        @Override
        public KernelLaunch kernel(String fullName) {
            return CudaBackend.this.kernel(fullName);
        }

        @Override
        public int blocksFor(long work, int threads) {
            return CudaBackend.this.blocksFor(work, threads);
        }

        @Override
        public int reductionBlocks(long work, int threads) {
            return CudaBackend.this.reductionBlocks(work, threads);
        }

        @Override
        public DType accDtype() {
            return DType.F64;
        }

        @Override
        public void copySameDtype(DeviceBuffer src, DeviceBuffer dst) {
            CudaBuffer s = CudaBuffer.of(src, CudaBackend.this), d = CudaBuffer.of(dst, CudaBackend.this);
            bind();
            try {
                cuMemcpyDtoDAsync(d.pointer(), s.pointer(), s.bytes(), stream);
            } catch (CudaException e) {
                throw asyncError("device-to-device copy of " + s.bytes() + " bytes", e);
            }
        }

        @Override
        public int maxPartials() {
            return MAX_PARTIALS;
        }

        @Override
        public DeviceBuffer partials() {
            return CudaBackend.this.partials();
        }

        @Override
        public double sumPartials(int count) {
            return CudaBackend.this.sumPartials(count);
        }

        @Override
        public double[] readPartials(int count) {
            return CudaBackend.this.readPartials(count);
        }

        @Override
        public void requireOwn(DeviceBuffer b) {
            CudaBuffer.of(b, CudaBackend.this);
        }

        @Override
        public boolean capturing() {
            return CudaBackend.this.capturing();
        }
    };

    private CudaBackend(int ordinal, Gemm gemm) {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        if (count[0] == 0) {
            throw new BackendUnavailableException("cuda: the driver reports no CUDA device");
        }
        if (ordinal < 0 || ordinal >= count[0]) {
            throw new BackendUnavailableException("cuda: expected a device index in [0, " + count[0]
                    + "), found " + ordinal);
        }
        this.ordinal = ordinal;
        this.device = new CUdevice();
        cuDeviceGet(device, ordinal);
        this.context = new CUcontext();
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        this.boundThread = Thread.currentThread();
        this.stream = new CUstream();
        cuStreamCreate(stream, 0);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        this.deviceName = new String(name, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        long[] mem = {0};
        cuDeviceTotalMem(mem, device);
        this.totalMemory = mem[0];
        CudaModule m;
        CublasGemm cublasGemm = null;
        try {
            m = CudaModule.load();
            if (gemm.cublas()) {
                cublasGemm = new CublasGemm(this, CublasLibrary.load(), gemm.cublasMode);
            }
        } catch (RuntimeException | LinkageError e) {
            cuStreamDestroy(stream);
            cuDevicePrimaryCtxRelease(device);
            throw e;
        }
        this.module = m;
        this.cublas = cublasGemm;
        if (gemm == Gemm.TF32 && computeMajor < 8) {
            cuStreamDestroy(stream);
            cuDevicePrimaryCtxRelease(device);
            throw new BackendUnavailableException("cuda: --gemm tf32 needs tensor cores with TF32 (compute capability"
                    + " 8.0 or newer), found " + computeMajor + "." + computeMinor);
        }
        this.gemmProvider = gemm == Gemm.TF32 ? new TensorCoreGemm(this) : cublasGemm;
        this.description = String.format(Locale.ROOT, "cuda:%d %s, %.0f GiB, compute %d.%d, %d SMs, %s, gemm %s",
                ordinal, deviceName, totalMemory / 1073741824.0, computeMajor, computeMinor, multiprocessors,
                driverVersion(), gemmProvider == null ? "native kernels" : gemmProvider.variant());
        this.equivLinear = new DeviceEquivLinear(kernels, gemmProvider);
        this.normAct = new DeviceNormAct(kernels);
        this.pointwise = new DevicePointwise(kernels);
        this.loss = new DeviceLoss(kernels);
        this.optim = new DeviceOptim(kernels);
        this.reduce = new DeviceReduce(kernels);
        this.lanczos = new DeviceLanczos(kernels);
    }

    /**
     * Opens device {@code ordinal}. Throws what the driver throws ({@link CudaException}, or
     * {@link UnsatisfiedLinkError} without libcuda.so.1): {@code Backends} turns those into one-line reasons.
     */
    public static CudaBackend open(int ordinal) {
        return new CudaBackend(ordinal, Gemm.NATIVE);
    }

    /**
     * As {@link #open(int)}, with the given GEMM provider: loading cuBLAS (through JCublas2) may also throw
     * {@link UnsatisfiedLinkError} when neither libcublas.so.13 nor libcublas.so.12 is found.
     */
    public static CudaBackend open(int ordinal, Gemm gemm) {
        return new CudaBackend(ordinal, gemm);
    }

    /** The cuBLAS provider, or null (native kernels). */
    CublasGemm cublas() {
        return cublas;
    }

    private int attribute(int attr) {
        int[] v = {0};
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /** "driver 580.95.05, CUDA 13.0" where the kernel module says so, else the CUDA version alone. */
    private static String driverVersion() {
        int[] v = {0};
        cuDriverGetVersion(v);
        String cuda = "CUDA " + v[0] / 1000 + "." + (v[0] % 1000) / 10;
        try {
            String text = Files.readString(Path.of("/proc/driver/nvidia/version"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?([0-9.]+)")
                    .matcher(text);
            if (m.find()) {
                return "driver " + m.group(1) + ", " + cuda;
            }
        } catch (IOException | RuntimeException e) {
            // no kernel-module version file (containers); the CUDA version alone says enough
        }
        return cuda;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        return description;
    }

    public String deviceName() {
        return deviceName;
    }

    public int multiprocessors() {
        return multiprocessors;
    }

    /** The compute capability as 10 major + minor (90 on an H100 or H200). */
    int computeCapability() {
        return 10 * computeMajor + computeMinor;
    }

    /** "" when the wgmma kernels' sm_90a module loads on this device (loading it on first call), else why not. */
    String hopperProblem() {
        bind();
        return module.hopperProblem();
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** Makes this backend's context current when a different thread calls. */
    void bind() {
        if (closed) {
            throw new BackendException("cuda backend is closed");
        }
        Thread t = Thread.currentThread();
        if (t != boundThread) {
            cuCtxSetCurrent(context);
            boundThread = t;
        }
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int elements) {
        if (elements < 0) {
            throw new BackendException("allocate: expected a non-negative length, found " + elements);
        }
        bind();
        long bytes = Math.max(1L, (long) elements * dtype.bytes());
        BlockPool.Block<CUdeviceptr> block = pool.take(bytes);
        CudaBuffer b = new CudaBuffer(this, dtype, block.handle(), elements);
        pool.track(b, block);
        cuMemsetD8Async(block.handle(), (byte) 0, bytes, stream);
        touched(b);
        return b;
    }

    /** Records {@code body} as a CUDA graph when {@code -Dgoldstone.cuda.graphs=true}, else eagerly (CudaGraphs). */
    @Override
    public org.goldstone.backend.Replay record(Runnable body) {
        return CudaGraphs.capture(this, body);
    }

    /** A CUDA event on the stream: waiting on it waits for the work queued before, not after. */
    @Override
    public Runnable fence() {
        return CudaGraphs.fence(this);
    }

    /** Keeps {@code b} reachable for the graph being captured, if one is. */
    void touched(DeviceBuffer b) {
        if (tracked != null) {
            tracked.add(b);
        }
    }

    void beginTracking(java.util.List<DeviceBuffer> into) {
        tracked = into;
    }

    void endTracking() {
        tracked = null;
    }

    boolean capturing() {
        return tracked != null;
    }

    /** Reads every pending deferred loss value now (a read inside a graph capture would end it). */
    void settleLosses() {
        loss.settle();
    }

    private void ensureStaging(long bytes) {
        if (bytes <= stagingCapacity) {
            return;
        }
        if (staging != null) {
            cuMemFreeHost(staging);
        }
        long cap = Math.max(bytes, Math.max(1 << 20, stagingCapacity * 2));
        staging = new Pointer();
        cuMemHostAlloc(staging, cap, 0);
        stagingCapacity = cap;
        stagingBytes = staging.getByteBuffer(0, cap).order(ByteOrder.nativeOrder());
    }

    @Override
    public void write(DeviceBuffer dst, double[] src) {
        CudaBuffer d = CudaBuffer.of(dst, this);
        if (src.length != d.length()) {
            throw new BackendException("write: expected " + d.length() + " elements, found " + src.length);
        }
        bind();
        ensureStaging(d.bytes());
        if (d.dtype() == DType.F64) {
            DoubleBuffer view = stagingBytes.asDoubleBuffer();
            view.put(src);
        } else {
            FloatBuffer view = stagingBytes.asFloatBuffer();
            for (double v : src) {
                view.put((float) v);
            }
        }
        upload(d);
    }

    @Override
    public void write(DeviceBuffer dst, float[] src, int srcOffset) {
        CudaBuffer d = CudaBuffer.of(dst, this);
        if (srcOffset < 0 || srcOffset + d.length() > src.length) {
            throw new BackendException("write: expected " + d.length() + " elements from offset " + srcOffset
                    + ", found an array of " + src.length);
        }
        bind();
        ensureStaging(d.bytes());
        if (d.dtype() == DType.F32) {
            stagingBytes.asFloatBuffer().put(src, srcOffset, d.length());
        } else {
            DoubleBuffer view = stagingBytes.asDoubleBuffer();
            for (int i = 0; i < d.length(); i++) {
                view.put(src[srcOffset + i]);
            }
        }
        upload(d);
    }

    private void upload(CudaBuffer d) {
        if (d.length() == 0) {
            return;
        }
        try {
            cuMemcpyHtoDAsync(d.pointer(), staging, d.bytes(), stream);
        } catch (CudaException e) {
            throw asyncError("host-to-device copy of " + d.bytes() + " bytes", e);
        }
        synchronize();                                     // the staging buffer is reused by the next transfer
    }

    @Override
    public void read(DeviceBuffer src, double[] dst) {
        CudaBuffer s = CudaBuffer.of(src, this);
        if (dst.length != s.length()) {
            throw new BackendException("read: expected " + s.length() + " elements, found " + dst.length);
        }
        download(s);
        if (s.dtype() == DType.F64) {
            stagingBytes.asDoubleBuffer().get(dst);
        } else {
            FloatBuffer view = stagingBytes.asFloatBuffer();
            for (int i = 0; i < dst.length; i++) {
                dst[i] = view.get(i);
            }
        }
    }

    /** Device to host into the staging buffer, then waits. */
    private void download(CudaBuffer s) {
        bind();
        ensureStaging(s.bytes());
        if (s.length() > 0) {
            try {
                cuMemcpyDtoHAsync(staging, s.pointer(), s.bytes(), stream);
            } catch (CudaException e) {
                throw asyncError("device-to-host copy of " + s.bytes() + " bytes", e);
            }
        }
        synchronize();
    }

    /**
     * The scratch buffer (fp64, {@link #MAX_PARTIALS} elements) that reduction kernels write one partial per
     * block into; read back with {@link #sumPartials} / {@link #readPartials}.
     */
    CudaBuffer partials() {
        if (partials == null) {
            partials = (CudaBuffer) allocate(DType.F64, MAX_PARTIALS);
        }
        return partials;
    }

    /** The first {@code count} partials, summed on the host in index order (deterministic). */
    double sumPartials(int count) {
        double[] p = readPartials(count);
        double s = 0;
        for (double v : p) {
            s += v;
        }
        return s;
    }

    /** The first {@code count} doubles of the partials buffer. */
    double[] readPartials(int count) {
        CudaBuffer p = (CudaBuffer) partials().slice(0, count);
        download(p);
        double[] out = new double[count];
        stagingBytes.asDoubleBuffer().get(out);
        return out;
    }

    /** Blocks for a grid-stride loop over {@code work} items: enough to fill the device, never more than needed. */
    int blocksFor(long work, int threads) {
        long need = (work + threads - 1) / threads;
        long cap = (long) multiprocessors * 16;
        return (int) Math.max(1, Math.min(need, cap));
    }

    /** Blocks for a reduction writing one partial per block (at most {@link #MAX_PARTIALS}). */
    int reductionBlocks(long work, int threads) {
        return Math.min(MAX_PARTIALS, Math.min(blocksFor(work, threads), multiprocessors * 4));
    }

    /** A launch of {@code family_pass} + the dtype suffix. */
    Launch kernel(String familyPass, DType dtype) {
        return new Launch(this, familyPass + Launch.suffix(dtype));
    }

    /** A launch of a kernel by its full name. */
    Launch kernel(String fullName) {
        return new Launch(this, fullName);
    }

    void launch(String kernel, int gridX, int gridY, int gridZ, int block, int blockY, int shared, Pointer[] args) {
        bind();
        module.allowShared(kernel, shared);
        try {
            cuLaunchKernel(module.function(kernel), gridX, gridY, gridZ, block, blockY, 1, shared, stream,
                    Pointer.to(args), null);
        } catch (CudaException e) {
            throw new KernelLaunchException("cuda: launch of " + kernel + " (grid " + gridX + "x" + gridY
                    + ", block " + block + "x" + blockY + ", shared " + shared + " B) failed: " + e.getMessage(), e);
        }
        lastKernel = kernel;
        if (SYNC_EACH_LAUNCH && tracked == null) {
            try {
                cuStreamSynchronize(stream);
            } catch (CudaException e) {
                throw new KernelLaunchException("cuda: kernel " + kernel + " (grid " + gridX + "x" + gridY
                        + ", block " + block + ") failed: " + e.getMessage(), e);
            }
        }
    }

    private KernelLaunchException asyncError(String what, CudaException e) {
        return new KernelLaunchException("cuda: " + what + " failed; the error may come from an earlier kernel,"
                + " the last launched was " + lastKernel + " (rerun with -Dgoldstone.cuda.syncEachLaunch=true): "
                + e.getMessage(), e);
    }

    @Override
    public void synchronize() {
        bind();
        try {
            cuStreamSynchronize(stream);
        } catch (CudaException e) {
            throw asyncError("synchronize", e);
        }
    }

    CUstream stream() {
        return stream;
    }

    /** Bytes held by live buffers and by idle pool blocks. */
    public long[] memoryInUse() {
        return new long[] {pool.liveBytes(), pool.idleBytes()};
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
            bind();
            cuStreamSynchronize(stream);
        } finally {
            closed = true;
            pool.close();
            if (staging != null) {
                cuMemFreeHost(staging);
            }
            if (cublas != null) {
                cublas.close();
            }
            module.close();
            cuStreamDestroy(stream);
            cuDevicePrimaryCtxRelease(device);
        }
    }
}
