package org.goldstone.spectral;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;

/**
 * A symmetric operator that can also act on fp64 vectors in its backend's memory, so an estimator can keep its
 * vectors on the device ({@link Lanczos#runOnDevice}): no host round trip per product.
 */
public interface DeviceOperator extends SymmetricOperator {
    /** The backend whose buffers {@link #applyOnDevice} takes. */
    Backend backend();

    /** {@code out = A v} on fp64 buffers of length {@link #dimension()}. v: read. out: modified (never aliases v). */
    void applyOnDevice(DeviceBuffer v, DeviceBuffer out);
}
