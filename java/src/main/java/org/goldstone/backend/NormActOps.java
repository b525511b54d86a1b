package org.goldstone.backend;

import org.goldstone.layer.Radial;
import org.goldstone.tensor.UnitShape;

/**
 * Norm nonlinearities {@code f(y) = h(q) y}, {@code q = |y|^2} per unit (SCIENCE a.3), on the unit layout of
 * {@link UnitShape}: component a of unit (j, b) at {@code (b*k + a)*channels + j}.
 */
public interface NormActOps {
    /** {@code z = h(q) y}. y: read. z: modified (may not alias y). */
    void forward(Radial radial, DeviceBuffer y, DeviceBuffer z, UnitShape s);

    /**
     * {@code G_y = J(y) G_z = h G_z + 2 h'(q) (y . G_z) y} (SCIENCE a.8). y, gz: read. gy: modified
     * (may alias gz: each unit is read before it is written).
     */
    void backward(Radial radial, DeviceBuffer y, DeviceBuffer gz, DeviceBuffer gy, UnitShape s);
}
