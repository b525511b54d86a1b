package org.goldstone.backend;

import org.goldstone.tensor.DType;

/**
 * A range of device memory of one dtype. Only the backend that allocated it reads or writes its contents;
 * code above the seam moves data with {@link Backend#write} and {@link Backend#read}.
 */
public interface DeviceBuffer {
    DType dtype();

    /** Number of elements. */
    int length();

    /** A view of {@code length} elements starting at {@code offset}; shares memory with this buffer. */
    DeviceBuffer slice(int offset, int length);
}
