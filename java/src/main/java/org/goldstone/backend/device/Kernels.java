package org.goldstone.backend.device;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/** What the shared launchers need from an accelerator backend (CUDA, OpenCL). */
public interface Kernels {
    /** The backend itself (transfers). */
    Backend backend();

    /** A launch of {@code familyPass} plus the dtype suffix (_f32, _f64). */
    KernelLaunch kernel(String familyPass, DType dtype);

    /** A launch of a kernel by its full name. */
    KernelLaunch kernel(String fullName);

    /** Blocks (work-groups) for a grid-stride loop over {@code work} items: enough to fill the device, never more. */
    int blocksFor(long work, int threads);

    /** Blocks (work-groups) for a reduction writing one partial per block, at most {@link #maxPartials()}. */
    int reductionBlocks(long work, int threads);

    /** Elements of the {@link #partials()} buffer. */
    int maxPartials();

    /** The scratch buffer reductions write their partials into (fp64 where the device has it). */
    DeviceBuffer partials();

    /** The first {@code count} partials summed on the host in index order (deterministic). */
    double sumPartials(int count);

    /** The first {@code count} partials. */
    double[] readPartials(int count);

    /** The dtype of partials and scratch sums: F64, or F32 on an OpenCL device without fp64. */
    DType accDtype();

    /** Copies {@code src} to {@code dst} (same dtype and length) on the device's queue. */
    void copySameDtype(DeviceBuffer src, DeviceBuffer dst);

    /** Throws a clear {@code BackendException} unless {@code b} was allocated by this backend. */
    void requireOwn(DeviceBuffer b);

    /** Whether launches are being recorded into a graph rather than run (CUDA graph capture). Default: no. */
    default boolean capturing() {
        return false;
    }
}
