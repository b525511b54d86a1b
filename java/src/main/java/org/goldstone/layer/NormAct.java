package org.goldstone.layer;

import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.UnitShape;

/**
 * Norm nonlinearity {@code f(y) = h(|y|^2) y} per unit (SCIENCE a.3): equivariant under U(1) and O(k) for every
 * profile. No parameters (profile constants are part of the spec).
 */
public final class NormAct implements Layer {
    private final String name;
    private final Radial radial;
    private final int channels, k;

    public NormAct(String name, Radial radial, int channels, int k) {
        this.name = name;
        this.radial = radial;
        this.channels = channels;
        this.k = k;
    }

    public Radial radial() {
        return radial;
    }

    public int channels() {
        return channels;
    }

    /** Components per unit. */
    public int k() {
        return k;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return channels * k;
    }

    @Override
    public int outputSize() {
        return channels * k;
    }

    @Override
    public int paramCount() {
        return 0;
    }

    @Override
    public List<ParamBlock> paramBlocks() {
        return List.of();
    }

    @Override
    public void initialize(double[] theta, int offset, SplittableRandom rng) {
    }

    @Override
    public void forward(Backend be, DeviceBuffer params, DeviceBuffer y, DeviceBuffer z, DeviceBuffer saved,
                        int batch) {
        be.normAct().forward(radial, y, z, new UnitShape(channels, batch, k));
    }

    @Override
    public void backward(Backend be, DeviceBuffer params, DeviceBuffer y, DeviceBuffer z, DeviceBuffer saved,
                         DeviceBuffer gz, DeviceBuffer gy, DeviceBuffer gp, int batch) {
        if (gy != null) {
            be.normAct().backward(radial, y, gz, gy, new UnitShape(channels, batch, k));
        }
    }

    @Override
    public void forwardR(Backend be, DeviceBuffer params, DeviceBuffer v, DeviceBuffer y, DeviceBuffer z,
                         DeviceBuffer saved, DeviceBuffer ry, DeviceBuffer rz, DeviceBuffer rSaved, int batch) {
        if (ry == null) {
            be.reduce().fill(rz, 0.0);
            return;
        }
        be.normAct().backward(radial, y, ry, rz, new UnitShape(channels, batch, k));   // R{z} = J(y) R{y}, J symmetric
    }

    @Override
    public void backwardR(Backend be, DeviceBuffer params, DeviceBuffer v, DeviceBuffer y, DeviceBuffer z,
                          DeviceBuffer saved, DeviceBuffer ry, DeviceBuffer rz, DeviceBuffer rSaved, DeviceBuffer gz,
                          DeviceBuffer rgz, DeviceBuffer rgy, DeviceBuffer rgp, int batch) {
        if (rgy == null) {
            return;
        }
        UnitShape s = new UnitShape(channels, batch, k);
        if (ry == null) {
            be.normAct().backward(radial, y, rgz, rgy, s);
        } else {
            be.normAct().ropBackward(radial, y, ry, gz, rgz, rgy, s);
        }
    }

    /** One pass computes G_y = J G_z and R{G_y} (the norm-act part of the Hessian-vector product). */
    @Override
    public void backwardWithR(Backend be, DeviceBuffer params, DeviceBuffer v, DeviceBuffer y, DeviceBuffer z,
                              DeviceBuffer saved, DeviceBuffer ry, DeviceBuffer rz, DeviceBuffer rSaved,
                              DeviceBuffer gz, DeviceBuffer rgz, DeviceBuffer gy, DeviceBuffer rgy, DeviceBuffer gp,
                              DeviceBuffer rgp, int batch) {
        if (gy == null || rgy == null || ry == null) {
            Layer.super.backwardWithR(be, params, v, y, z, saved, ry, rz, rSaved, gz, rgz, gy, rgy, gp, rgp, batch);
            return;
        }
        be.normAct().backwardAndRop(radial, y, ry, gz, rgz, gy, rgy, new UnitShape(channels, batch, k));
    }
}
