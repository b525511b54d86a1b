package org.goldstone.backend.opencl;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;
import org.jocl.cl_mem;

/**
 * A range of an OpenCL buffer: a pooled block (the root) or a view into one. Kernels take (buffer, element offset)
 * pairs, so views need no aligned sub-buffers. Views keep their root reachable; when the root becomes unreachable its
 * block goes back to the backend's pool.
 */
public final class ClBuffer implements DeviceBuffer {
    private final ClBackend owner;
    private final DType dtype;
    private final cl_mem mem;
    private final int offset;
    private final int length;
    private final ClBuffer root;

    ClBuffer(ClBackend owner, DType dtype, cl_mem mem, int length) {
        this.owner = owner;
        this.dtype = dtype;
        this.mem = mem;
        this.offset = 0;
        this.length = length;
        this.root = this;
    }

    private ClBuffer(ClBuffer root, int offset, int length) {
        this.owner = root.owner;
        this.dtype = root.dtype;
        this.mem = root.mem;
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
        return new ClBuffer(root, offset + off, len);
    }

    cl_mem mem() {
        return mem;
    }

    /** Offset of element 0 of this view in its buffer, in elements. */
    int offset() {
        return offset;
    }

    long byteOffset() {
        return (long) offset * dtype.bytes();
    }

    long bytes() {
        return (long) length * dtype.bytes();
    }

    /** The buffer as an OpenCL buffer of {@code be}, with a clear error for a foreign buffer. */
    static ClBuffer of(DeviceBuffer b, ClBackend be) {
        if (!(b instanceof ClBuffer)) {
            throw new BackendException("opencl backend: expected a buffer allocated by it, found "
                    + (b == null ? "null" : b.getClass().getSimpleName()));
        }
        ClBuffer c = (ClBuffer) b;
        if (c.owner != be) {
            throw new BackendException("opencl backend: buffer belongs to another backend instance");
        }
        return c;
    }
}
