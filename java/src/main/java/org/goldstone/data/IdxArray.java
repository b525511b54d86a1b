package org.goldstone.data;

import java.util.Arrays;

/**
 * One IDX array of unsigned bytes: {@code dims} (outermost first, as in the file) and the row-major {@code data}
 * without the header. The arrays are owned by the record and must not be modified; {@code equals} compares contents.
 */
public record IdxArray(int[] dims, byte[] data) {
    public IdxArray {
        if (dims == null || data == null) {
            throw new DataException("IdxArray: expected non-null dims and data, found dims=" + dims + " data=" + data);
        }
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new DataException("IdxArray: expected dims >= 0, found dims[" + i + "] = " + dims[i]);
            }
            count *= dims[i];
        }
        if (count != data.length) {
            throw new DataException("IdxArray: expected " + count + " bytes for dims " + shape(dims) + ", found "
                    + data.length);
        }
    }

    /** Element {@code i} as an unsigned value in 0..255. */
    public int unsigned(int i) {
        return data[i] & 0xff;
    }

    /** Dims as "60000x28x28". */
    public String shape() {
        return shape(dims);
    }

    static String shape(int[] dims) {
        if (dims.length == 0) {
            return "(scalar)";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                s.append('x');
            }
            s.append(dims[i]);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray a && Arrays.equals(dims, a.dims) && Arrays.equals(data, a.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxArray[" + shape(dims) + " ubyte]";
    }
}
