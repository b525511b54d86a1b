package org.goldstone.backend.cuda;

import jcuda.driver.CUdeviceptr;
import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * A range of device memory: a pooled block (the root) or a view into one. Views keep their root reachable; when the
 * root becomes unreachable its block goes back to the backend's pool (see {@link org.goldstone.backend.BlockPool}).
 */
public final class CudaBuffer implements DeviceBuffer {
    private final CudaBackend owner;
    private final DType dtype;
    private final CUdeviceptr base;
    private final long offset;
    private final int length;
    /** The root buffer this view shares memory with (itself for a root); holding it keeps the block alive. */
    private final CudaBuffer root;

    CudaBuffer(CudaBackend owner, DType dtype, CUdeviceptr base, int length) {
        this.owner = owner;
        this.dtype = dtype;
        this.base = base;
        this.offset = 0;
        this.length = length;
        this.root = this;
    }

    private CudaBuffer(CudaBuffer root, long offset, int length) {
        this.owner = root.owner;
        this.dtype = root.dtype;
        this.base = root.base;
        this.offset = offset;
        this.length = length;
        this.root = root;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public DeviceBuffer slice(int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > length) {
            throw new BackendException("slice: expected a range within [0, " + length + "), found offset " + off
                    + " length " + len);
        }
        return new CudaBuffer(root, offset + off, len);
    }

    /** Device address of element 0 of this view. */
    CUdeviceptr pointer() {
        return offset == 0 ? base : base.withByteOffset(offset * dtype.bytes());
    }

    long bytes() {
        return (long) length * dtype.bytes();
    }

    CudaBackend owner() {
        return owner;
    }

    /** The buffer as a CUDA buffer of {@code be}, with a clear error for a foreign or mixed-dtype buffer. */
    static CudaBuffer of(DeviceBuffer b, CudaBackend be) {
        if (!(b instanceof CudaBuffer)) {
            throw new BackendException("cuda backend: expected a buffer allocated by it, found "
                    + (b == null ? "null" : b.getClass().getSimpleName()));
        }
        CudaBuffer c = (CudaBuffer) b;
        if (c.owner != be) {
            throw new BackendException("cuda backend: buffer belongs to another backend instance");
        }
        return c;
    }
}
