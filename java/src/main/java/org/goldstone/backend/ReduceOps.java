package org.goldstone.backend;

/** Reductions and BLAS-1 updates over flat buffers (the parameter vector and its gradient). */
public interface ReduceOps {
    /** {@code sum_i x_i y_i}, accumulated in double. x, y: read. */
    double dot(DeviceBuffer x, DeviceBuffer y);

    /** {@code sum_i x_i^2}, accumulated in double. x: read. */
    double sumSquares(DeviceBuffer x);

    /** {@code y += alpha x}. x: read. y: modified. */
    void axpyInPlace(double alpha, DeviceBuffer x, DeviceBuffer y);

    /** {@code x *= alpha}. x: modified. */
    void scaleInPlace(double alpha, DeviceBuffer x);

    /** {@code dst = src} (same length). src: read. dst: modified. */
    void copy(DeviceBuffer src, DeviceBuffer dst);

    /** {@code x = value}. x: modified. */
    void fill(DeviceBuffer x, double value);

    /** Index of the first NaN or infinite element, or -1. x: read. */
    int firstNonFinite(DeviceBuffer x);
}
