package org.goldstone.layer;

import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;

/**
 * Real baseline block (SCIENCE a.6): {@code a = act(LN(W x + b))} with optional layer normalization, and
 * {@code out = x + a} when residual (requires in == out). W ~ N(0, sigmaW^2/in), b ~ N(0, sigmaB^2),
 * LayerNorm gamma = 1, beta = 0. Saves the pre-activation, the normalized value and the activation for the backward
 * pass.
 */
public final class DenseBlock implements Layer {
    private static final double LN_EPS = 1e-5;
    private final String name;
    private final int in, out;
    private final Activation act;
    private final boolean residual, layerNorm;
    private final double sigmaW, sigmaB;

    public DenseBlock(String name, int in, int out, Activation act, boolean residual, boolean layerNorm,
                      double sigmaW, double sigmaB) {
        if (residual && in != out) {
            throw new IllegalArgumentException(name + ": a residual block needs in == out, found " + in + " -> " + out);
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.act = act;
        this.residual = residual;
        this.layerNorm = layerNorm;
        this.sigmaW = sigmaW;
        this.sigmaB = sigmaB;
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
        return out * in + out + (layerNorm ? 2 * out : 0);
    }

    @Override
    public List<ParamBlock> paramBlocks() {
        ParamBlock w = new ParamBlock(name + ".weight", 0, new int[] {in, out});
        ParamBlock b = new ParamBlock(name + ".bias", out * in, new int[] {out});
        if (!layerNorm) {
            return List.of(w, b);
        }
        return List.of(w, b, new ParamBlock(name + ".ln_gamma", out * in + out, new int[] {out}),
                new ParamBlock(name + ".ln_beta", out * in + 2 * out, new int[] {out}));
    }

    /** Saved per sample: pre-activation y, the normalized value (layer norm), the activation a, two scratch rows. */
    @Override
    public int savedSize() {
        return (layerNorm ? 5 : 4) * out;
    }

    @Override
    public void initialize(double[] theta, int offset, SplittableRandom rng) {
        Gaussian.fill(theta, offset, out * in, sigmaW / Math.sqrt(in), rng);
        Gaussian.fill(theta, offset + out * in, out, sigmaB, rng);
        if (layerNorm) {
            java.util.Arrays.fill(theta, offset + out * in + out, offset + out * in + 2 * out, 1.0);
            java.util.Arrays.fill(theta, offset + out * in + 2 * out, offset + out * in + 3 * out, 0.0);
        }
    }

    @Override
    public void forward(Backend be, DeviceBuffer p, DeviceBuffer x, DeviceBuffer z, DeviceBuffer saved, int batch) {
        int cells = out * batch;
        DeviceBuffer y = saved.slice(0, cells);
        be.equivLinear().gemm(false, false, out, batch, in, p.slice(0, out * in), x, 0.0, y);
        be.pointwise().addBiasInPlace(y, p.slice(out * in, out), out, batch);
        DeviceBuffer pre = y;
        if (layerNorm) {
            pre = saved.slice(cells, cells);
            be.pointwise().layerNormForward(y, p.slice(out * in + out, out), p.slice(out * in + 2 * out, out), pre,
                    out, batch, LN_EPS);
        }
        DeviceBuffer a = saved.slice((layerNorm ? 2 : 1) * cells, cells);
        be.pointwise().activationForward(act, pre, a, cells);
        be.reduce().copy(a, z);
        if (residual) {
            be.reduce().axpyInPlace(1.0, x, z);
        }
    }

    @Override
    public void backward(Backend be, DeviceBuffer p, DeviceBuffer x, DeviceBuffer z, DeviceBuffer saved,
                         DeviceBuffer gz, DeviceBuffer gx, DeviceBuffer gp, int batch) {
        int cells = out * batch;
        DeviceBuffer y = saved.slice(0, cells);
        DeviceBuffer pre = layerNorm ? saved.slice(cells, cells) : y;
        int scratch = (layerNorm ? 3 : 2) * cells;
        DeviceBuffer a = saved.slice(scratch - cells, cells);
        // gradient to the pre-activation, in scratch rows of the saved buffer; gz stays intact for the residual
        DeviceBuffer ga = saved.slice(scratch, cells);
        be.pointwise().activationBackward(act, pre, a, gz, ga, cells);
        if (layerNorm) {
            DeviceBuffer gyn = saved.slice(scratch + cells, cells);
            // without a parameter gradient (Hessian-vector products) the LN parameter gradients go to scratch
            DeviceBuffer lnGrads = gp != null ? gp.slice(out * in + out, 2 * out) : be.allocate(gz.dtype(), 2 * out);
            be.pointwise().layerNormBackward(y, p.slice(out * in + out, out), ga, gyn, lnGrads.slice(0, out),
                    lnGrads.slice(out, out), out, batch, LN_EPS);
            ga = gyn;
        }
        if (gp != null) {
            be.equivLinear().gemm(false, true, out, in, batch, ga, x, 0.0, gp.slice(0, out * in));
            be.pointwise().sumColumns(ga, gp.slice(out * in, out), out, batch, 0.0);
        }
        if (gx != null) {
            be.equivLinear().gemm(true, false, in, batch, out, p.slice(0, out * in), ga, 0.0, gx);
            if (residual) {
                be.reduce().axpyInPlace(1.0, gz, gx);
            }
        }
    }

    /**
     * Per sample: R{y}, G_y and R{G_y}; with layer norm also R{LN(y)}, G and R{G} of the normalized value.
     */
    @Override
    public int rSavedSize() {
        return (layerNorm ? 6 : 3) * out;
    }

    @Override
    public void forwardR(Backend be, DeviceBuffer p, DeviceBuffer v, DeviceBuffer x, DeviceBuffer z,
                         DeviceBuffer saved, DeviceBuffer rx, DeviceBuffer rz, DeviceBuffer rSaved, int batch) {
        int cells = out * batch;
        DeviceBuffer ry = rSaved.slice(0, cells);
        be.equivLinear().gemm(false, false, out, batch, in, v.slice(0, out * in), x, 0.0, ry);
        if (rx != null) {
            be.equivLinear().gemm(false, false, out, batch, in, p.slice(0, out * in), rx, 1.0, ry);
        }
        be.pointwise().addBiasInPlace(ry, v.slice(out * in, out), out, batch);
        DeviceBuffer y = saved.slice(0, cells), pre = y, rpre = ry;
        if (layerNorm) {
            pre = saved.slice(cells, cells);
            rpre = rSaved.slice(3 * cells, cells);
            be.pointwise().layerNormForwardR(y, ry, p.slice(out * in + out, out), v.slice(out * in + out, out),
                    v.slice(out * in + 2 * out, out), rpre, out, batch, LN_EPS);
        }
        DeviceBuffer a = saved.slice((layerNorm ? 2 : 1) * cells, cells);
        be.pointwise().activationBackward(act, pre, a, rpre, rz, cells);        // R{a} = act'(pre) R{pre}
        if (residual && rx != null) {
            be.reduce().axpyInPlace(1.0, rx, rz);
        }
    }

    @Override
    public void backwardR(Backend be, DeviceBuffer p, DeviceBuffer v, DeviceBuffer x, DeviceBuffer z,
                          DeviceBuffer saved, DeviceBuffer rx, DeviceBuffer rz, DeviceBuffer rSaved, DeviceBuffer gz,
                          DeviceBuffer rgz, DeviceBuffer rgx, DeviceBuffer rgp, int batch) {
        int cells = out * batch;
        DeviceBuffer y = saved.slice(0, cells), ry = rSaved.slice(0, cells);
        DeviceBuffer pre = layerNorm ? saved.slice(cells, cells) : y;
        DeviceBuffer rpre = layerNorm ? rSaved.slice(3 * cells, cells) : ry;
        DeviceBuffer a = saved.slice((layerNorm ? 2 : 1) * cells, cells);
        DeviceBuffer gpre = rSaved.slice(cells, cells), rgpre = rSaved.slice(2 * cells, cells);
        be.pointwise().activationBackward(act, pre, a, gz, gpre, cells);                 // G at the pre-activation
        be.pointwise().activationRopBackward(act, pre, a, rpre, gz, rgz, rgpre, cells);  // and its R-derivative
        DeviceBuffer gy = gpre, rgy = rgpre;
        if (layerNorm) {
            gy = rSaved.slice(4 * cells, cells);
            rgy = rSaved.slice(5 * cells, cells);
            DeviceBuffer gamma = p.slice(out * in + out, out);
            // the LN parameter slices of rgp take G first (discarded), then their R-derivatives
            be.pointwise().layerNormBackward(y, gamma, gpre, gy, rgp.slice(out * in + out, out),
                    rgp.slice(out * in + 2 * out, out), out, batch, LN_EPS);
            be.pointwise().layerNormBackwardR(y, ry, gamma, v.slice(out * in + out, out), gpre, rgpre, rgy,
                    rgp.slice(out * in + out, out), rgp.slice(out * in + 2 * out, out), out, batch, LN_EPS);
        }
        be.equivLinear().gemm(false, true, out, in, batch, rgy, x, 0.0, rgp.slice(0, out * in));
        if (rx != null) {
            be.equivLinear().gemm(false, true, out, in, batch, gy, rx, 1.0, rgp.slice(0, out * in));
        }
        be.pointwise().sumColumns(rgy, rgp.slice(out * in, out), out, batch, 0.0);
        if (rgx != null) {
            be.equivLinear().gemm(true, false, in, batch, out, v.slice(0, out * in), gy, 0.0, rgx);
            be.equivLinear().gemm(true, false, in, batch, out, p.slice(0, out * in), rgy, 1.0, rgx);
            if (residual) {
                be.reduce().axpyInPlace(1.0, rgz, rgx);
            }
        }
    }
}
