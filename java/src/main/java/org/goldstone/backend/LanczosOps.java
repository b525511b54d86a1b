package org.goldstone.backend;

import org.goldstone.tensor.DType;

/**
 * Full reorthogonalization for Lanczos with the basis on the device (SCIENCE d.4), all in fp64. The basis is one
 * buffer of {@code count} orthonormal columns of length {@code p}, column i at elements [i p, (i+1) p).
 */
public interface LanczosOps {
    /**
     * One classical Gram-Schmidt pass: {@code c = Q^T w}, then {@code w -= Q c}, all coefficients taken from the same
     * w. Returns {@code |w|^2} after the update, accumulated in double. basis: read. w: modified. coeffs (at least
     * {@code count} elements): modified, holds c.
     */
    double orthogonalizePass(DeviceBuffer basis, int p, int count, DeviceBuffer w, DeviceBuffer coeffs);

    /** The boundary check every implementation runs first: fp64 buffers of consistent sizes. */
    static void requireShapes(DeviceBuffer q, int p, int count, DeviceBuffer w, DeviceBuffer c) {
        if (q.dtype() != DType.F64 || w.dtype() != DType.F64 || c.dtype() != DType.F64) {
            throw new BackendException("lanczos: expected F64 basis, w and coefficients, found " + q.dtype() + ", "
                    + w.dtype() + ", " + c.dtype());
        }
        if (count < 0 || (long) p * count > q.length() || w.length() != p || c.length() < count) {
            throw new BackendException("lanczos: expected a basis of >= " + (long) p * count + " elements, w of " + p
                    + " and >= " + count + " coefficients, found " + q.length() + ", " + w.length() + ", "
                    + c.length());
        }
    }
}
