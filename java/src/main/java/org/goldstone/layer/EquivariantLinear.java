package org.goldstone.layer;

import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.group.Group;
import org.goldstone.group.U1;

/**
 * Equivariant linear map without bias (SCIENCE a.2), from n to m channels.
 * <ul>
 *   <li>O(k): {@code Y = (W (x) I_k) Z}, W real m x n: on the unit layout one GEMM over batch*k columns.</li>
 *   <li>U(1): {@code Y = W Z}, W complex m x n stored planar (Re W then Im W): a complex GEMM.</li>
 * </ul>
 * Initialization (a.7): O(k) W ~ N(0, sigmaW^2/n); U(1) Re W, Im W ~ N(0, sigmaW^2/(2n)).
 */
public final class EquivariantLinear implements Layer {
    private final String name;
    private final Group group;
    private final int n, m, k;
    private final boolean complex;
    private final double sigmaW;
    private final double[] fixedBias;

    public EquivariantLinear(String name, Group group, int n, int m, double sigmaW) {
        this(name, group, n, m, sigmaW, null);
    }

    /**
     * With a fixed, non-trained bias (m * k values in the unit layout of one sample) added to every output column:
     * explicit symmetry breaking (SCIENCE a.6). It moves no parameter, so the backward and R-passes are unchanged.
     */
    public EquivariantLinear(String name, Group group, int n, int m, double sigmaW, double[] fixedBias) {
        this.name = name;
        this.group = group;
        this.n = n;
        this.m = m;
        this.k = group.unitDim();
        this.complex = group instanceof U1;
        this.sigmaW = sigmaW;
        if (fixedBias != null && fixedBias.length != m * group.unitDim()) {
            throw new IllegalArgumentException(name + ": expected a fixed bias of " + m * group.unitDim()
                    + " values, found " + fixedBias.length);
        }
        this.fixedBias = fixedBias == null ? null : fixedBias.clone();
    }

    public Group group() {
        return group;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return n * k;
    }

    @Override
    public int outputSize() {
        return m * k;
    }

    @Override
    public int paramCount() {
        return complex ? 2 * m * n : m * n;
    }

    @Override
    public List<ParamBlock> paramBlocks() {
        if (complex) {
            return List.of(new ParamBlock(name + ".weight_re", 0, new int[] {n, m}),
                    new ParamBlock(name + ".weight_im", m * n, new int[] {n, m}));
        }
        return List.of(new ParamBlock(name + ".weight", 0, new int[] {n, m}));
    }

    @Override
    public void initialize(double[] theta, int offset, SplittableRandom rng) {
        double std = complex ? sigmaW / Math.sqrt(2.0 * n) : sigmaW / Math.sqrt(n);
        Gaussian.fill(theta, offset, paramCount(), std, rng);
    }

    /**
     * This layer's forward and that of the norm nonlinearity {@code act} after it in one pass, where the backend
     * fuses them ({@code EquivLinearOps.gemmNormAct}, or {@code complexForwardNormAct} for U(1); no fixed bias):
     * writes {@code y} (this layer's output) and {@code out} (act's output) and returns true; otherwise writes nothing
     * and returns false.
     */
    public boolean forwardNormAct(Backend be, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y, NormAct act,
                                  DeviceBuffer out, int batch) {
        if (fixedBias != null || act.channels() != m || act.k() != k) {
            return false;
        }
        EquivLinearOps ops = be.equivLinear();
        return complex ? ops.complexForwardNormAct(m, n, batch, w, z, y, out, act.radial())
                : ops.gemmNormAct(m, batch * k, n, w, z, y, out, act.radial(), k);
    }

    /**
     * The data-gradient half of this layer's backward pass and the backward pass of the norm nonlinearity
     * {@code act} that produced this layer's input, in one pass where the backend fuses them
     * ({@code EquivLinearOps.gemmNormActJacobian} with W^T, or {@code complexNormActJacobian} with W^H): from this
     * layer's output gradient {@code gy} writes act's input gradient {@code actGy} (J(actIn) W^T G_Y; act's output
     * gradient W^T G_Y is not kept) and returns true; otherwise writes nothing and returns false. The weight gradient
     * is {@link #backward}'s, with a null input gradient.
     */
    public boolean backwardDataNormAct(Backend be, DeviceBuffer w, DeviceBuffer gy, NormAct act, DeviceBuffer actIn,
                                       DeviceBuffer actGy, int batch) {
        if (act.channels() != n || act.k() != k) {
            return false;
        }
        EquivLinearOps ops = be.equivLinear();
        return complex ? ops.complexNormActJacobian(true, m, n, batch, w, gy, 0.0, null, actIn, actGy, act.radial())
                : ops.gemmNormActJacobian(true, n, batch * k, m, w, gy, 0.0, null, actIn, actGy, act.radial(), k);
    }

    /**
     * This layer's forward R-pass ({@link #forwardR}: R{Y} = V Z + W R{Z} into {@code ry}, always) and, where the
     * backend fuses the last GEMM with the Jacobian of the norm nonlinearity {@code act} after this layer
     * ({@code EquivLinearOps.gemmNormActJacobian}, or {@code complexNormActJacobian}), act's forward R-pass
     * J(y) R{Y} into {@code actRz}, returning true; false when act's R-pass is left to the caller ({@code actRz} not
     * written). {@code y} is this layer's output, act's input.
     */
    public boolean forwardRNormAct(Backend be, DeviceBuffer w, DeviceBuffer v, DeviceBuffer z, DeviceBuffer rz,
                                   DeviceBuffer ry, NormAct act, DeviceBuffer y, DeviceBuffer actRz, int batch) {
        if (act.channels() != m || act.k() != k) {
            forwardR(be, w, v, z, y, null, rz, ry, null, batch);
            return false;
        }
        if (rz == null) {                                       // R{Y} = V Z: one product, fused or not
            if (forwardProduct(be, v, z, 0.0, ry, act, y, actRz, batch)) {
                return true;
            }
            forwardProduct(be, v, z, 0.0, ry, null, null, null, batch);
            return false;
        }
        forwardProduct(be, v, z, 0.0, ry, null, null, null, batch);
        if (forwardProduct(be, w, rz, 1.0, ry, act, y, actRz, batch)) {
            return true;
        }
        forwardProduct(be, w, rz, 1.0, ry, null, null, null, batch);
        return false;
    }

    /**
     * {@code out = a b + beta out} (this layer's map with weights {@code a}), and with {@code act} not null the
     * fused Jacobian of act at {@code y} into {@code actOut}, returning whether the backend fused it (nothing written
     * when not); without act the plain product, returning false.
     */
    private boolean forwardProduct(Backend be, DeviceBuffer a, DeviceBuffer b, double beta, DeviceBuffer out,
                                   NormAct act, DeviceBuffer y, DeviceBuffer actOut, int batch) {
        EquivLinearOps ops = be.equivLinear();
        if (act != null) {
            return complex ? ops.complexNormActJacobian(false, m, n, batch, a, b, beta, out, y, actOut, act.radial())
                    : ops.gemmNormActJacobian(false, m, batch * k, n, a, b, beta, out, y, actOut, act.radial(), k);
        }
        if (complex) {
            ops.complexForward(m, n, batch, a, b, beta, out);
        } else {
            ops.gemm(false, false, m, batch * k, n, a, b, beta, out);
        }
        return false;
    }

    /**
     * This layer's part of the Hessian-vector product's backward pass ({@link #backwardWithR}) and, where the backend
     * fuses the product that completes R{G_Z} with the norm nonlinearity {@code act} that produced this layer's input
     * ({@code EquivLinearOps.gemmNormActBackwardR}, or {@code complexNormActBackwardR}), act's part too. Either way it
     * writes the weight gradient {@code gw} (when not null) and its R-derivative {@code rgw}. Fused, it leaves act's
     * input gradient G_y in {@code gz} and R{G_y} in {@code rgz} and returns true; otherwise it leaves this layer's
     * input gradient G_Z and R{G_Z} there (act's backward still to run) and returns false. {@code actIn} is act's
     * input y and {@code rActIn} its R{y}.
     */
    public boolean backwardWithRNormAct(Backend be, DeviceBuffer w, DeviceBuffer v, DeviceBuffer z, DeviceBuffer rz,
                                        DeviceBuffer gy, DeviceBuffer rgy, DeviceBuffer gw, DeviceBuffer rgw,
                                        NormAct act, DeviceBuffer actIn, DeviceBuffer rActIn, DeviceBuffer gz,
                                        DeviceBuffer rgz, int batch) {
        backward(be, w, z, null, null, gy, gz, gw, batch);                     // G_W, G_Z = W^H G_Y
        if (act.channels() != n || act.k() != k || rz == null) {
            backwardR(be, w, v, z, null, null, rz, null, null, gy, rgy, rgz, rgw, batch);
            return false;
        }
        // R{G_W} = R{G_Y} Z^H + G_Y R{Z}^H, as backwardR; then R{G_Z} = V^H G_Y + W^H R{G_Y}, the second product fused
        backwardR(be, w, v, z, null, null, rz, null, null, gy, rgy, null, rgw, batch);
        EquivLinearOps ops = be.equivLinear();
        int cols = batch * k;
        if (complex) {
            ops.complexBackwardData(m, n, batch, v, gy, 0.0, rgz);
            if (ops.complexNormActBackwardR(m, n, batch, w, rgy, 1.0, rgz, actIn, rActIn, gz, act.radial())) {
                return true;
            }
            ops.complexBackwardData(m, n, batch, w, rgy, 1.0, rgz);
            return false;
        }
        ops.gemm(true, false, n, cols, m, v, gy, 0.0, rgz);
        if (ops.gemmNormActBackwardR(true, n, cols, m, w, rgy, 1.0, rgz, actIn, rActIn, gz, act.radial(), k)) {
            return true;
        }
        ops.gemm(true, false, n, cols, m, w, rgy, 1.0, rgz);
        return false;
    }

    @Override
    public void forward(Backend be, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y, DeviceBuffer saved, int batch) {
        if (complex) {
            be.equivLinear().complexForward(m, n, batch, w, z, 0.0, y);
        } else {
            be.equivLinear().gemm(false, false, m, batch * k, n, w, z, 0.0, y);
        }
        if (fixedBias != null) {
            DeviceBuffer bias = be.allocate(y.dtype(), fixedBias.length);
            be.write(bias, fixedBias);
            be.pointwise().addBiasInPlace(y, bias, m * k, batch);
        }
    }

    @Override
    public void backward(Backend be, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y, DeviceBuffer saved,
                         DeviceBuffer gy, DeviceBuffer gz, DeviceBuffer gw, int batch) {
        if (complex) {
            if (gw != null) {
                be.equivLinear().complexBackwardWeight(m, n, batch, gy, z, 0.0, gw);
            }
            if (gz != null) {
                be.equivLinear().complexBackwardData(m, n, batch, w, gy, 0.0, gz);
            }
        } else {
            if (gw != null) {
                be.equivLinear().gemm(false, true, m, n, batch * k, gy, z, 0.0, gw);     // G_W = G_Y Z^T
            }
            if (gz != null) {
                be.equivLinear().gemm(true, false, n, batch * k, m, w, gy, 0.0, gz);     // G_Z = W^T G_Y
            }
        }
    }

    @Override
    public void forwardR(Backend be, DeviceBuffer w, DeviceBuffer v, DeviceBuffer z, DeviceBuffer y,
                         DeviceBuffer saved, DeviceBuffer rz, DeviceBuffer ry, DeviceBuffer rSaved, int batch) {
        // R{Y} = V Z + W R{Z}
        if (complex) {
            be.equivLinear().complexForward(m, n, batch, v, z, 0.0, ry);
            if (rz != null) {
                be.equivLinear().complexForward(m, n, batch, w, rz, 1.0, ry);
            }
        } else {
            be.equivLinear().gemm(false, false, m, batch * k, n, v, z, 0.0, ry);
            if (rz != null) {
                be.equivLinear().gemm(false, false, m, batch * k, n, w, rz, 1.0, ry);
            }
        }
    }

    @Override
    public void backwardR(Backend be, DeviceBuffer w, DeviceBuffer v, DeviceBuffer z, DeviceBuffer y,
                          DeviceBuffer saved, DeviceBuffer rz, DeviceBuffer ry, DeviceBuffer rSaved, DeviceBuffer gy,
                          DeviceBuffer rgy, DeviceBuffer rgz, DeviceBuffer rgw, int batch) {
        // R{G_W} = R{G_Y} Z^H + G_Y R{Z}^H;  R{G_Z} = V^H G_Y + W^H R{G_Y}
        if (complex) {
            be.equivLinear().complexBackwardWeight(m, n, batch, rgy, z, 0.0, rgw);
            if (rz != null) {
                be.equivLinear().complexBackwardWeight(m, n, batch, gy, rz, 1.0, rgw);
            }
            if (rgz != null) {
                be.equivLinear().complexBackwardData(m, n, batch, v, gy, 0.0, rgz);
                be.equivLinear().complexBackwardData(m, n, batch, w, rgy, 1.0, rgz);
            }
        } else {
            be.equivLinear().gemm(false, true, m, n, batch * k, rgy, z, 0.0, rgw);
            if (rz != null) {
                be.equivLinear().gemm(false, true, m, n, batch * k, gy, rz, 1.0, rgw);
            }
            if (rgz != null) {
                be.equivLinear().gemm(true, false, n, batch * k, m, v, gy, 0.0, rgz);
                be.equivLinear().gemm(true, false, n, batch * k, m, w, rgy, 1.0, rgz);
            }
        }
    }
}
