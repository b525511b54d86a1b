package org.goldstone.backend.opencl;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.device.PooledBuffer;
import org.goldstone.tensor.DType;
import org.jocl.cl_mem;

/**
 * A range of an OpenCL buffer: a pooled block or a view into one (see {@link PooledBuffer}). Kernels take
 * (buffer, element offset) pairs, so views need no aligned sub-buffers.
 */
public final class ClBuffer extends PooledBuffer<cl_mem> {
    ClBuffer(ClBackend owner, DType dtype, cl_mem mem, int length) {
        super(owner, dtype, mem, length);
    }

    private ClBuffer(PooledBuffer<cl_mem> root, long offset, int length) {
        super(root, offset, length);
    }

    @Override
    protected PooledBuffer<cl_mem> view(PooledBuffer<cl_mem> root, long offset, int length) {
        return new ClBuffer(root, offset, length);
    }

    cl_mem mem() {
        return handle();
    }

    /** The buffer as an OpenCL buffer of {@code be}, with a clear error for a foreign buffer. */
    static ClBuffer of(DeviceBuffer b, ClBackend be) {
        return of(b, be, ClBuffer.class, "opencl");
    }
}
