package org.goldstone.tensor;

/** Element type of a device buffer. */
public enum DType {
    F32(4), F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Parses "f32", "fp32", "float32", "f64", ... (case-insensitive). */
    public static DType parse(String text) {
        switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "f32": case "fp32": case "float32": case "float": return F32;
            case "f64": case "fp64": case "float64": case "double": return F64;
            default: throw new IllegalArgumentException("dtype: expected f32 or f64, found '" + text + "'");
        }
    }
}
