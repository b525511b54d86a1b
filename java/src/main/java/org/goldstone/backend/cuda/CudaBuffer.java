package org.goldstone.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.device.PooledBuffer;
import org.goldstone.tensor.DType;

/** A range of CUDA device memory: a pooled block or a view into one (see {@link PooledBuffer}). */
public final class CudaBuffer extends PooledBuffer<CUdeviceptr> {
    CudaBuffer(CudaBackend owner, DType dtype, CUdeviceptr base, int length) {
        super(owner, dtype, base, length);
    }

    private CudaBuffer(PooledBuffer<CUdeviceptr> root, long offset, int length) {
        super(root, offset, length);
    }

    @Override
    protected PooledBuffer<CUdeviceptr> view(PooledBuffer<CUdeviceptr> root, long offset, int length) {
        return new CudaBuffer(root, offset, length);
    }

    /** Device address of element 0 of this view. */
    CUdeviceptr pointer() {
        return offset() == 0 ? handle() : handle().withByteOffset(byteOffset());
    }

    /** The buffer as a CUDA buffer of {@code be}, with a clear error for a foreign buffer. */
    static CudaBuffer of(DeviceBuffer b, CudaBackend be) {
        return of(b, be, CudaBuffer.class, "cuda");
    }
}
