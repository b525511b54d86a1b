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

    /**
     * R-operator of the backward pass (SCIENCE d.1, a.3): with w = R{y}, G = G_z and R{G} = R{G_z},
     * {@code R{G_y} = J(y) R{G} + (D_w J) G}, where
     * {@code (D_w J) G = 2 h' (y.w) G + 4 h'' (y.w)(y.G) y + 2 h' [(w.G) y + (y.G) w]}.
     * The forward R-pass needs no op of its own: {@code R{z} = J(y) R{y}} is {@link #backward} applied to R{y},
     * since J is symmetric. y, ry, gz, rgz: read. rgy: modified (no aliasing).
     */
    void ropBackward(Radial radial, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gz, DeviceBuffer rgz,
                     DeviceBuffer rgy, UnitShape s);

    /**
     * {@link #backward} and {@link #ropBackward} in one pass over the units (the Hessian-vector product needs both):
     * writes gy = J G and rgy = J R{G} + (D_w J) G. y, ry, gz, rgz: read. gy, rgy: modified (no aliasing).
     */
    void backwardAndRop(Radial radial, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gz, DeviceBuffer rgz,
                        DeviceBuffer gy, DeviceBuffer rgy, UnitShape s);
}
