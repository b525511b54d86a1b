package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * Host memory as a device buffer: a {@code double[]} (F64) or {@code float[]} (F32) with an offset. Twins read
 * elements through {@link #get}/{@link #set} where speed does not matter and through the raw arrays in hot loops.
 */
public abstract class CpuBuffer implements DeviceBuffer {
    final int offset;
    final int length;

    CpuBuffer(int offset, int length) {
        this.offset = offset;
        this.length = length;
    }

    @Override
    public int length() {
        return length;
    }

    /** Element i of this view. */
    public abstract double get(int i);

    /** Sets element i of this view (rounded to the dtype). */
    public abstract void set(int i, double value);

    static CpuBuffer of(DeviceBuffer buffer) {
        if (buffer instanceof CpuBuffer) {
            return (CpuBuffer) buffer;
        }
        throw new BackendException("cpu backend: expected a cpu buffer, found " + buffer.getClass().getSimpleName());
    }

    static CpuBuffer allocate(DType dtype, int elements) {
        if (elements < 0) {
            throw new BackendException("allocate: expected elements >= 0, found " + elements);
        }
        return dtype == DType.F64 ? new F64(new double[elements], 0, elements) : new F32(new float[elements], 0,
                elements);
    }

    void checkSlice(int off, int len) {
        if (off < 0 || len < 0 || off + len > length) {
            throw new BackendException("slice: expected a range within [0, " + length + "), found offset " + off
                    + " length " + len);
        }
    }

    /** fp64 storage. */
    static final class F64 extends CpuBuffer {
        final double[] a;

        F64(double[] a, int offset, int length) {
            super(offset, length);
            this.a = a;
        }

        @Override
        public DType dtype() {
            return DType.F64;
        }

        @Override
        public DeviceBuffer slice(int off, int len) {
            checkSlice(off, len);
            return new F64(a, offset + off, len);
        }

        @Override
        public double get(int i) {
            return a[offset + i];
        }

        @Override
        public void set(int i, double value) {
            a[offset + i] = value;
        }
    }

    /** fp32 storage; arithmetic in the twins is done in double and rounded on store. */
    static final class F32 extends CpuBuffer {
        final float[] a;

        F32(float[] a, int offset, int length) {
            super(offset, length);
            this.a = a;
        }

        @Override
        public DType dtype() {
            return DType.F32;
        }

        @Override
        public DeviceBuffer slice(int off, int len) {
            checkSlice(off, len);
            return new F32(a, offset + off, len);
        }

        @Override
        public double get(int i) {
            return a[offset + i];
        }

        @Override
        public void set(int i, double value) {
            a[offset + i] = (float) value;
        }
    }
}
