package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * A range of an accelerator allocation: a pooled block (the root) or a view into one, for the backends whose memory
 * is a handle plus an element offset (CUDA pointers, OpenCL buffers). Views keep their root reachable; when the root
 * becomes unreachable its block goes back to the backend's {@link org.goldstone.backend.BlockPool}.
 *
 * @param <H> the device's memory handle
 */
public abstract class PooledBuffer<H> implements DeviceBuffer {
    private final Object owner;
    private final DType dtype;
    private final H handle;
    private final long offset;
    private final int length;
    /** The root buffer this view shares memory with (itself for a root); holding it keeps the block alive. */
    private final PooledBuffer<H> root;

    /** A root buffer over a whole block. */
    protected PooledBuffer(Object owner, DType dtype, H handle, int length) {
        this.owner = owner;
        this.dtype = dtype;
        this.handle = handle;
        this.offset = 0;
        this.length = length;
        this.root = this;
    }

    /** A view of {@code length} elements of {@code root} from element {@code offset}. */
    protected PooledBuffer(PooledBuffer<H> root, long offset, int length) {
        this.owner = root.owner;
        this.dtype = root.dtype;
        this.handle = root.handle;
        this.offset = offset;
        this.length = length;
        this.root = root;
    }

    /** The concrete view type's constructor. */
    protected abstract PooledBuffer<H> view(PooledBuffer<H> root, long offset, int length);

    @Override
    public final DType dtype() {
        return dtype;
    }

    @Override
    public final int length() {
        return length;
    }

    @Override
    public final DeviceBuffer slice(int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > length) {
            throw new BackendException("slice: expected a range within [0, " + length + "), found offset " + off
                    + " length " + len);
        }
        return view(root, offset + off, len);
    }

    /** The block's handle (element 0 of the root). */
    protected final H handle() {
        return handle;
    }

    /** Offset of element 0 of this view in its block, in elements. */
    public final long offset() {
        return offset;
    }

    public final long byteOffset() {
        return offset * dtype.bytes();
    }

    public final long bytes() {
        return (long) length * dtype.bytes();
    }

    /**
     * {@code b} as a buffer of type {@code type} allocated by {@code owner}, or a one-line error naming the backend
     * ("cuda", "opencl").
     */
    protected static <B extends PooledBuffer<?>> B of(DeviceBuffer b, Object owner, Class<B> type, String backend) {
        if (!type.isInstance(b)) {
            throw new BackendException(backend + " backend: expected a buffer allocated by it, found "
                    + (b == null ? "null" : b.getClass().getSimpleName()));
        }
        B c = type.cast(b);
        if (((PooledBuffer<?>) c).owner != owner) {
            throw new BackendException(backend + " backend: buffer belongs to another backend instance");
        }
        return c;
    }
}
