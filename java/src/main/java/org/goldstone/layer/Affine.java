package org.goldstone.layer;

import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;

/**
 * General real affine map {@code y = W x + b}, W: {@code out x in} (column-major), b: {@code out}. It is the
 * symmetry-breaking embedding (SCIENCE a.4: for O(k)/U(1) the output rows are ordered a*n + j so each sample's
 * column is already in the unit layout), the readout, and the dense layer of the real baselines.
 * Initialization: W ~ N(0, weightStd^2), b ~ N(0, biasStd^2).
 */
public final class Affine implements Layer {
    private final String name;
    private final int in, out;
    private final boolean bias;
    private final double weightStd, biasStd;
    private final boolean uniform;

    public Affine(String name, int in, int out, boolean bias, double weightStd, double biasStd) {
        this(name, in, out, bias, weightStd, biasStd, false);
    }

    /**
     * With {@code uniform}, weights and biases are drawn uniformly from +-weightStd and +-biasStd (the framework
     * default of the paper's recipe: bound 1/sqrt(fan-in)); else Gaussian with these standard deviations.
     */
    public Affine(String name, int in, int out, boolean bias, double weightStd, double biasStd, boolean uniform) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(name + ": expected in, out >= 1, found " + in + ", " + out);
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.bias = bias;
        this.weightStd = weightStd;
        this.biasStd = biasStd;
        this.uniform = uniform;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    @Override
    public int paramCount() {
        return out * in + (bias ? out : 0);
    }

    @Override
    public List<ParamBlock> paramBlocks() {
        ParamBlock w = new ParamBlock(name + ".weight", 0, new int[] {in, out});
        return bias ? List.of(w, new ParamBlock(name + ".bias", out * in, new int[] {out})) : List.of(w);
    }

    @Override
    public void initialize(double[] theta, int offset, SplittableRandom rng) {
        if (uniform) {
            for (int i = 0; i < out * in; i++) {
                theta[offset + i] = weightStd * (2 * rng.nextDouble() - 1);
            }
            for (int i = 0; bias && i < out; i++) {
                theta[offset + out * in + i] = biasStd * (2 * rng.nextDouble() - 1);
            }
            return;
        }
        Gaussian.fill(theta, offset, out * in, weightStd, rng);
        if (bias) {
            Gaussian.fill(theta, offset + out * in, out, biasStd, rng);
        }
    }

    @Override
    public void forward(Backend be, DeviceBuffer params, DeviceBuffer x, DeviceBuffer y, DeviceBuffer saved,
                        int batch) {
        be.equivLinear().gemm(false, false, out, batch, in, params.slice(0, out * in), x, 0.0, y);
        if (bias) {
            be.pointwise().addBiasInPlace(y, params.slice(out * in, out), out, batch);
        }
    }

    @Override
    public void backward(Backend be, DeviceBuffer params, DeviceBuffer x, DeviceBuffer y, DeviceBuffer saved,
                         DeviceBuffer gy, DeviceBuffer gx, DeviceBuffer gp, int batch) {
        if (gp != null) {
            be.equivLinear().gemm(false, true, out, in, batch, gy, x, 0.0, gp.slice(0, out * in));   // G_W = G_y x^T
            if (bias) {
                be.pointwise().sumColumns(gy, gp.slice(out * in, out), out, batch, 0.0);
            }
        }
        if (gx != null) {
            be.equivLinear().gemm(true, false, in, batch, out, params.slice(0, out * in), gy, 0.0, gx);  // W^T G_y
        }
    }

    @Override
    public void forwardR(Backend be, DeviceBuffer params, DeviceBuffer v, DeviceBuffer x, DeviceBuffer y,
                         DeviceBuffer saved, DeviceBuffer rx, DeviceBuffer ry, DeviceBuffer rSaved, int batch) {
        be.equivLinear().gemm(false, false, out, batch, in, v.slice(0, out * in), x, 0.0, ry);        // V_W x
        if (rx != null) {
            be.equivLinear().gemm(false, false, out, batch, in, params.slice(0, out * in), rx, 1.0, ry); // + W R{x}
        }
        if (bias) {
            be.pointwise().addBiasInPlace(ry, v.slice(out * in, out), out, batch);                    // + V_b
        }
    }

    @Override
    public void backwardR(Backend be, DeviceBuffer params, DeviceBuffer v, DeviceBuffer x, DeviceBuffer y,
                          DeviceBuffer saved, DeviceBuffer rx, DeviceBuffer ry, DeviceBuffer rSaved, DeviceBuffer gy,
                          DeviceBuffer rgy, DeviceBuffer rgx, DeviceBuffer rgp, int batch) {
        DeviceBuffer rgw = rgp.slice(0, out * in);
        be.equivLinear().gemm(false, true, out, in, batch, rgy, x, 0.0, rgw);           // R{G_y} x^T
        if (rx != null) {
            be.equivLinear().gemm(false, true, out, in, batch, gy, rx, 1.0, rgw);       // + G_y R{x}^T
        }
        if (bias) {
            be.pointwise().sumColumns(rgy, rgp.slice(out * in, out), out, batch, 0.0);
        }
        if (rgx != null) {
            be.equivLinear().gemm(true, false, in, batch, out, v.slice(0, out * in), gy, 0.0, rgx);        // V^T G_y
            // + W^T R{G_y}
            be.equivLinear().gemm(true, false, in, batch, out, params.slice(0, out * in), rgy, 1.0, rgx);
        }
    }
}
