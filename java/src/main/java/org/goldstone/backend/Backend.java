package org.goldstone.backend;

import org.goldstone.tensor.DType;

/**
 * One compute device. Code above this interface never names CPU arrays, CUDA or OpenCL: layers, losses and
 * optimizers call the op families below on {@link DeviceBuffer}s.
 */
public interface Backend extends AutoCloseable {
    /** Short name used by {@link Backends#open(String)}: "cpu", "cuda", "opencl". */
    String name();

    /** One line, e.g. "cpu: 2 threads, fp32/fp64 reference". */
    String describe();

    /**
     * Whether buffers live in host memory (the CPU backend): host-side algorithms then work on them without transfers,
     * while an accelerator's operator keeps estimators' vectors on its device.
     */
    default boolean hostMemory() {
        return false;
    }

    /** A zero-filled buffer. */
    DeviceBuffer allocate(DType dtype, int elements);

    /** Host to device (converted to the buffer's dtype); {@code src.length} must equal {@code dst.length()}. */
    void write(DeviceBuffer dst, double[] src);

    /** Host to device from fp32 data (the dataset path). */
    void write(DeviceBuffer dst, float[] src, int srcOffset);

    /** Device to host; waits for pending work. */
    void read(DeviceBuffer src, double[] dst);

    /**
     * An fp32 buffer that is the host array {@code a} itself (writes to one are writes to the other), for a backend
     * whose memory is the host's; null where buffers cannot alias host arrays (the default).
     */
    default DeviceBuffer wrap(float[] a) {
        return null;
    }

    /**
     * Device to host into fp32 (values rounded to fp32); {@code dst.length} must equal {@code src.length()}. Default:
     * through an fp64 copy; a backend whose fp32 buffers are host arrays copies them as they are.
     */
    default void read(DeviceBuffer src, float[] dst) {
        double[] d = new double[dst.length];
        read(src, d);
        for (int i = 0; i < d.length; i++) {
            dst[i] = (float) d[i];
        }
    }

    /** Waits until all queued work is done. */
    void synchronize();

    /**
     * Records {@code body} (device work only, nothing read back) for repeated runs; recording itself runs nothing.
     * Default: the body is run again on every {@link Replay#run()}. CUDA can capture it as a graph.
     */
    default Replay record(Runnable body) {
        return Replay.eager(body, "eager");
    }

    /**
     * A point in the queue: the returned action waits until all work queued before this call is done (work queued
     * later may still run). Default: a full {@link #synchronize()} when waited on.
     */
    default Runnable fence() {
        return this::synchronize;
    }

    EquivLinearOps equivLinear();

    NormActOps normAct();

    PointwiseOps pointwise();

    LossOps loss();

    OptimOps optim();

    ReduceOps reduce();

    LanczosOps lanczos();

    @Override
    void close();
}
