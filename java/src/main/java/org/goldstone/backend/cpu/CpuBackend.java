package org.goldstone.backend.cpu;

import org.goldstone.backend.Backend;
import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.backend.LanczosOps;
import org.goldstone.backend.LossOps;
import org.goldstone.backend.NormActOps;
import org.goldstone.backend.OptimOps;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.backend.ReduceOps;
import org.goldstone.tensor.DType;

/**
 * The reference backend: plain Java loops in fp64 and fp32, the definition every other backend is tested against.
 * The GEMM and the norm nonlinearity are cache-blocked and split over {@code threads} worker threads.
 */
public final class CpuBackend implements Backend {
    private final Parallel parallel;
    private final CpuEquivLinear equivLinear;
    private final CpuNormAct normAct;
    private final CpuPointwise pointwise = new CpuPointwise();
    private final CpuLoss loss = new CpuLoss();
    private final CpuOptim optim;
    private final CpuReduce reduce;
    private final CpuLanczos lanczos = new CpuLanczos();

    public CpuBackend(int threads) {
        this.parallel = new Parallel(Math.max(1, threads));
        this.equivLinear = new CpuEquivLinear(parallel);
        this.normAct = new CpuNormAct(parallel);
        this.optim = new CpuOptim(parallel);
        this.reduce = new CpuReduce(parallel);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: " + parallel.threads() + " threads, fp32/fp64, " + (CpuEquivLinear.SIMD ? "SIMD GEMM"
                : "plain GEMM (start java with --add-modules jdk.incubator.vector for the SIMD kernels)");
    }

    @Override
    public boolean hostMemory() {
        return true;
    }

    @Override
    public DeviceBuffer allocate(DType dtype, int elements) {
        return CpuBuffer.allocate(dtype, elements);
    }

    @Override
    public void write(DeviceBuffer dst, double[] src) {
        CpuBuffer d = CpuBuffer.of(dst);
        if (src.length != d.length()) {
            throw new BackendException("write: expected " + d.length() + " elements, found " + src.length);
        }
        if (d instanceof CpuBuffer.F64) {
            System.arraycopy(src, 0, ((CpuBuffer.F64) d).a, d.offset, src.length);
        } else {
            float[] a = ((CpuBuffer.F32) d).a;
            for (int i = 0; i < src.length; i++) {
                a[d.offset + i] = (float) src[i];
            }
        }
    }

    @Override
    public void write(DeviceBuffer dst, float[] src, int srcOffset) {
        CpuBuffer d = CpuBuffer.of(dst);
        if (srcOffset < 0 || srcOffset + d.length() > src.length) {
            throw new BackendException("write: expected " + d.length() + " elements from offset " + srcOffset
                    + ", found an array of " + src.length);
        }
        if (d instanceof CpuBuffer.F32) {
            System.arraycopy(src, srcOffset, ((CpuBuffer.F32) d).a, d.offset, d.length());
        } else {
            for (int i = 0; i < d.length(); i++) {
                d.set(i, src[srcOffset + i]);
            }
        }
    }

    @Override
    public void read(DeviceBuffer src, double[] dst) {
        CpuBuffer s = CpuBuffer.of(src);
        if (dst.length != s.length()) {
            throw new BackendException("read: expected " + s.length() + " elements, found " + dst.length);
        }
        if (s instanceof CpuBuffer.F64) {
            System.arraycopy(((CpuBuffer.F64) s).a, s.offset, dst, 0, dst.length);
        } else {
            float[] a = ((CpuBuffer.F32) s).a;
            for (int i = 0; i < dst.length; i++) {
                dst[i] = a[s.offset + i];
            }
        }
    }

    @Override
    public DeviceBuffer wrap(float[] a) {
        return new CpuBuffer.F32(a, 0, a.length);
    }

    @Override
    public void read(DeviceBuffer src, float[] dst) {
        CpuBuffer s = CpuBuffer.of(src);
        if (dst.length != s.length()) {
            throw new BackendException("read: expected " + s.length() + " elements, found " + dst.length);
        }
        if (s instanceof CpuBuffer.F32) {
            System.arraycopy(((CpuBuffer.F32) s).a, s.offset, dst, 0, dst.length);
        } else {
            double[] a = ((CpuBuffer.F64) s).a;
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (float) a[s.offset + i];
            }
        }
    }

    @Override
    public void synchronize() {
        // every op completes before it returns
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
        parallel.close();
    }
}
