package org.goldstone.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.group.Group;
import org.goldstone.layer.Affine;
import org.goldstone.layer.DenseBlock;
import org.goldstone.layer.EquivariantLinear;
import org.goldstone.layer.Layer;
import org.goldstone.layer.NormAct;
import org.goldstone.layer.ParamBlock;
import org.goldstone.layer.Radial;
import org.goldstone.loss.Loss;
import org.goldstone.tensor.DType;

/**
 * The canonical feed-forward network of SCIENCE a.5 built from a {@link NetSpec}: a list of {@link Layer}s over one
 * flat parameter vector. {@link #lossAndGradient} is one forward and backward pass; all arithmetic runs through the
 * backend.
 */
public final class FeedForwardNet {
    private final NetSpec spec;
    private final List<Layer> layers;
    private final int[] offsets;
    private final int paramCount;

    private FeedForwardNet(NetSpec spec, List<Layer> layers) {
        this.spec = spec;
        this.layers = Collections.unmodifiableList(layers);
        this.offsets = new int[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0 && layers.get(i).inputSize() != layers.get(i - 1).outputSize()) {
                throw new IllegalArgumentException("network: layer " + layers.get(i).name() + " expects "
                        + layers.get(i).inputSize() + " inputs, found " + layers.get(i - 1).outputSize());
            }
            offsets[i + 1] = offsets[i] + layers.get(i).paramCount();
        }
        this.paramCount = offsets[layers.size()];
    }

    /** Builds the layers a spec describes. */
    public static FeedForwardNet of(NetSpec spec) {
        List<Layer> layers = new ArrayList<>();
        double sigmaW = spec.effectiveSigmaW();
        int d = spec.inputs(), n = spec.width();
        if (spec.unitBlocks()) {
            Group g = spec.symmetry();
            int k = g.unitDim();
            Radial radial = spec.radial();
            boolean paper = spec.recipe() != null, generic = "paper-generic".equals(spec.recipe());
            if (paper) {
                // the authors' code (SCIENCE c.1): framework-default input and output layers, no f after the embedding
                layers.add(new Affine("embed", d, n * k, true, 1.0 / Math.sqrt(d), 1.0 / Math.sqrt(d), true));
            } else {
                // embedding std per real component (a.7): sigma_in / sqrt(2d) for U(1), sigma_in / sqrt(d) for O(k)
                double embedStd = spec.sigmaIn() / Math.sqrt("U(1)".equals(g.label()) ? 2.0 * d : d);
                layers.add(new Affine("embed", d, n * k, true, embedStd, 0.0));
                layers.add(new NormAct("act.0", radial, n, k));
            }
            double[] breaking = null;
            if (spec.breakingBias() != null) {
                breaking = new double[n * k];
                SplittableRandom crng = new SplittableRandom(NetSpec.BREAKING_SEED);
                for (int i = 0; i < breaking.length; i++) {
                    double u = 1.0 - crng.nextDouble(), w = crng.nextDouble();
                    breaking[i] = spec.breakingBias() * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
                }
            }
            for (int l = 1; l <= spec.depth(); l++) {
                if (generic) {
                    // dense (n k) x (n k) without bias, each entry at the equivariant layer's std (sigma_w / sqrt(n))
                    layers.add(new Affine("dense." + l, n * k, n * k, false, sigmaW / Math.sqrt(n), 0.0));
                } else {
                    layers.add(new EquivariantLinear("equiv." + l, g, n, n, sigmaW, l == 1 ? breaking : null));
                }
                layers.add(new NormAct("act." + l, radial, n, k));
            }
            if (paper) {
                layers.add(new Affine("readout", n * k, spec.classes(), true, 1.0 / Math.sqrt(n * k),
                        1.0 / Math.sqrt(n * k), true));
            } else {
                // readout N(0, 1/D_h) with D_h the real feature count (a.7), bias 0
                layers.add(new Affine("readout", n * k, spec.classes(), true, 1.0 / Math.sqrt(n * k), 0.0));
            }
        } else {
            layers.add(new DenseBlock("dense.0", d, n, spec.activation(), false, spec.layerNorm(), sigmaW,
                    spec.sigmaB()));
            for (int l = 1; l <= spec.depth(); l++) {
                layers.add(new DenseBlock("dense." + l, n, n, spec.activation(), spec.residual(), spec.layerNorm(),
                        sigmaW, spec.sigmaB()));
            }
            layers.add(new Affine("readout", n, spec.classes(), true, 1.0 / Math.sqrt(n), 0.0));
        }
        return new FeedForwardNet(spec, layers);
    }

    public NetSpec spec() {
        return spec;
    }

    public List<Layer> layers() {
        return layers;
    }

    public int paramCount() {
        return paramCount;
    }

    /**
     * Index of the linear layer whose output (after its nonlinearity) is representation level {@code level}:
     * 0 is the embedding, l >= 1 the l-th internal linear layer (equivariant nets and the generic baseline).
     */
    public int levelLayer(int level) {
        if (level == 0) {
            return 0;
        }
        return spec.activatedEmbedding() ? 2 * level : 2 * level - 1;
    }

    /** Start of layer i's slice in the flat parameter vector. */
    public int offset(int layer) {
        return offsets[layer];
    }

    /** Index of the layer owning flat parameter index p. */
    public int layerOf(int p) {
        for (int i = 0; i < layers.size(); i++) {
            if (p < offsets[i + 1]) {
                return i;
            }
        }
        throw new IndexOutOfBoundsException("parameter index " + p + " of " + paramCount);
    }

    /** Every named parameter tensor with its absolute offset in the flat vector. */
    public List<ParamBlock> parameterBlocks() {
        List<ParamBlock> all = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            for (ParamBlock b : layers.get(i).paramBlocks()) {
                all.add(new ParamBlock(b.name(), offsets[i] + b.offset(), b.shape()));
            }
        }
        return all;
    }

    /** Fresh parameters, drawn layer by layer from one seeded stream. */
    public double[] initialParameters(SplittableRandom rng) {
        double[] theta = new double[paramCount];
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).initialize(theta, offsets[i], rng.split());
        }
        return theta;
    }

    /** Activation and gradient buffers for batches of at most {@code maxBatch} samples. */
    public Workspace workspace(Backend backend, DType dtype, int maxBatch) {
        return new Workspace(backend, dtype, maxBatch);
    }

    /** Per-batch device memory: one activation buffer per level, saved buffers, two gradient ping-pong buffers. */
    public final class Workspace {
        final Backend backend;
        final DType dtype;
        final int maxBatch;
        final DeviceBuffer[] acts;
        final DeviceBuffer[] saved;
        final DeviceBuffer gradA, gradB, labels;
        /** R-pass buffers, allocated on the first Hessian-vector product. */
        DeviceBuffer[] rActs, rSaved;
        DeviceBuffer rGradA, rGradB, scratchParams;

        Workspace(Backend backend, DType dtype, int maxBatch) {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("workspace: expected batch >= 1, found " + maxBatch);
            }
            this.backend = backend;
            this.dtype = dtype;
            this.maxBatch = maxBatch;
            acts = new DeviceBuffer[layers.size() + 1];
            saved = new DeviceBuffer[layers.size()];
            acts[0] = backend.allocate(dtype, spec.inputs() * maxBatch);
            int widest = spec.inputs();
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                acts[i + 1] = backend.allocate(dtype, l.outputSize() * maxBatch);
                saved[i] = l.savedSize() > 0 ? backend.allocate(dtype, l.savedSize() * maxBatch) : null;
                widest = Math.max(widest, l.outputSize());
            }
            gradA = backend.allocate(dtype, widest * maxBatch);
            gradB = backend.allocate(dtype, widest * maxBatch);
            labels = backend.allocate(dtype, maxBatch);
        }

        void ensureR() {
            if (rActs != null) {
                return;
            }
            rActs = new DeviceBuffer[layers.size() + 1];
            rSaved = new DeviceBuffer[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                rActs[i + 1] = backend.allocate(dtype, l.outputSize() * maxBatch);
                rSaved[i] = l.rSavedSize() > 0 ? backend.allocate(dtype, l.rSavedSize() * maxBatch) : null;
            }
            rGradA = backend.allocate(dtype, gradA.length());
            rGradB = backend.allocate(dtype, gradA.length());
            scratchParams = backend.allocate(dtype, paramCount);
        }

        /** Device memory held by this workspace (activations, saved buffers, gradient buffers), in bytes. */
        public long bytes() {
            long elements = 2L * gradA.length() + labels.length();
            for (DeviceBuffer a : acts) {
                elements += a.length();
            }
            for (DeviceBuffer b : saved) {
                elements += b == null ? 0 : b.length();
            }
            return elements * dtype.bytes();
        }

        public Backend backend() {
            return backend;
        }

        public DType dtype() {
            return dtype;
        }

        public int maxBatch() {
            return maxBatch;
        }

        /** Loads a batch: {@code x} holds batch samples of {@code inputs} features (sample-major), labels as
         * numbers. */
        public void load(float[] x, double[] labelValues, int batch) {
            check(batch);
            backend.write(acts[0].slice(0, spec.inputs() * batch), x, 0);
            double[] y = labelValues.length == batch ? labelValues : java.util.Arrays.copyOf(labelValues, batch);
            backend.write(labels.slice(0, batch), y);
        }

        /** Output of level i (0 = input, i = after layer i-1) for the last forward pass of {@code batch} samples. */
        public DeviceBuffer activation(int level, int batch) {
            int size = level == 0 ? spec.inputs() : layers.get(level - 1).outputSize();
            return acts[level].slice(0, size * batch);
        }

        void check(int batch) {
            if (batch < 1 || batch > maxBatch) {
                throw new IllegalArgumentException("batch: expected 1.." + maxBatch + ", found " + batch);
            }
        }
    }

    /** Forward pass of the loaded batch; returns the logits (classes x batch). */
    public DeviceBuffer forward(Workspace ws, DeviceBuffer params, int batch) {
        ws.check(batch);
        requireParams(params);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            DeviceBuffer p = params.slice(offsets[i], l.paramCount());
            if (l instanceof EquivariantLinear el && i + 1 < layers.size() && layers.get(i + 1) instanceof NormAct act
                    && el.forwardNormAct(ws.backend, p, ws.activation(i, batch), ws.activation(i + 1, batch), act,
                    ws.activation(i + 2, batch), batch)) {
                i++;                                   // the norm nonlinearity ran in the GEMM's epilogue
                continue;
            }
            DeviceBuffer saved = ws.saved[i] == null ? null : ws.saved[i].slice(0, l.savedSize() * batch);
            l.forward(ws.backend, p, ws.activation(i, batch), ws.activation(i + 1, batch), saved, batch);
        }
        return ws.activation(layers.size(), batch);
    }

    /** Loss of the loaded batch (summed over samples) and correct count; no gradient. */
    public LossOps.Value evaluate(Workspace ws, DeviceBuffer params, Loss loss, int batch) {
        DeviceBuffer logits = forward(ws, params, batch);
        return loss.apply(ws.backend, logits, ws.labels.slice(0, batch), ws.gradA.slice(0, spec.classes() * batch),
                spec.classes(), batch, 1.0 / batch);
    }

    /**
     * Forward and backward pass of the loaded batch: returns the summed loss and writes the gradient of the
     * mean loss (1/batch * sum) into {@code grad} (overwritten). params: read. grad: modified.
     */
    public LossOps.Value lossAndGradient(Workspace ws, DeviceBuffer params, DeviceBuffer grad, Loss loss, int batch) {
        requireParams(grad);
        LossOps.Value value = evaluate(ws, params, loss, batch);
        backwardFrom(ws, params, grad, batch);
        return value;
    }

    /** Backward pass from the output gradient in gradA down to the parameter gradient (overwritten). */
    private void backwardFrom(Workspace ws, DeviceBuffer params, DeviceBuffer grad, int batch) {
        DeviceBuffer gOut = ws.gradA, gIn = ws.gradB;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            DeviceBuffer saved = ws.saved[i] == null ? null : ws.saved[i].slice(0, l.savedSize() * batch);
            DeviceBuffer gi = i == 0 ? null : gIn.slice(0, l.inputSize() * batch);
            DeviceBuffer p = params.slice(offsets[i], l.paramCount()), go = gOut.slice(0, l.outputSize() * batch);
            // the nonlinearity below (act): its G_y straight from G_Y, in the data-gradient GEMM's epilogue, where
            // the backend fuses them; this layer then computes its weight gradient only
            boolean fused = i >= 2 && l instanceof EquivariantLinear el && layers.get(i - 1) instanceof NormAct act
                    && el.backwardDataNormAct(ws.backend, p, go, act, ws.activation(i - 1, batch),
                    gIn.slice(0, act.inputSize() * batch), batch);
            l.backward(ws.backend, p, ws.activation(i, batch), ws.activation(i + 1, batch), saved, go,
                    fused ? null : gi, grad.slice(offsets[i], l.paramCount()), batch);
            DeviceBuffer t = gOut;
            gOut = gIn;
            gIn = t;
            if (fused) {
                i--;                                   // act's backward ran in the epilogue
            }
        }
    }

    /** The forward R-pass of the loaded batch along parameter direction v; returns R{logits}. */
    private DeviceBuffer forwardR(Workspace ws, DeviceBuffer params, DeviceBuffer v, int batch) {
        ws.ensureR();
        DeviceBuffer rIn = null;                                // the data does not move with theta
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            DeviceBuffer saved = ws.saved[i] == null ? null : ws.saved[i].slice(0, l.savedSize() * batch);
            DeviceBuffer rSaved = ws.rSaved[i] == null ? null : ws.rSaved[i].slice(0, l.rSavedSize() * batch);
            DeviceBuffer rOut = ws.rActs[i + 1].slice(0, l.outputSize() * batch);
            DeviceBuffer p = params.slice(offsets[i], l.paramCount()), vi = v.slice(offsets[i], l.paramCount());
            if (l instanceof EquivariantLinear el && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof NormAct act) {
                DeviceBuffer actRz = ws.rActs[i + 2].slice(0, act.outputSize() * batch);
                if (el.forwardRNormAct(ws.backend, p, vi, ws.activation(i, batch), rIn, rOut, act,
                        ws.activation(i + 1, batch), actRz, batch)) {
                    rIn = actRz;
                    i++;                               // act's R-pass ran in the last GEMM's epilogue
                } else {
                    rIn = rOut;                        // this layer's R-pass is done; act's runs next
                }
                continue;
            }
            l.forwardR(ws.backend, p, vi, ws.activation(i, batch), ws.activation(i + 1, batch), saved, rIn, rOut,
                    rSaved, batch);
            rIn = rOut;
        }
        return rIn;
    }

    /**
     * Exact Hessian-vector product of the mean loss of the loaded batch (Pearlmutter's R-operator, SCIENCE d.1):
     * one forward pass, one forward R-pass, and a backward pass that carries G and R{G} together. Writes the
     * gradient into {@code grad} (skipped when grad is null: one GEMM per layer less) and H v into {@code hv}
     * (overwritten; no weight decay: callers add lambda v). params, v: read. grad, hv: modified. Returns the
     * summed loss.
     */
    public LossOps.Value hessianVector(Workspace ws, DeviceBuffer params, DeviceBuffer v, DeviceBuffer grad,
                                       DeviceBuffer hv, Loss loss, int batch) {
        requireParams(v);
        if (grad != null) {
            requireParams(grad);
        }
        requireParams(hv);
        LossOps.Value value = evaluate(ws, params, loss, batch);     // forward; G_o in gradA
        DeviceBuffer rLogits = forwardR(ws, params, v, batch);
        int classes = spec.classes();
        loss.rop(ws.backend, ws.activation(layers.size(), batch), rLogits, ws.rGradA.slice(0, classes * batch),
                classes, batch, 1.0 / batch);
        DeviceBuffer gOut = ws.gradA, gIn = ws.gradB, rgOut = ws.rGradA, rgIn = ws.rGradB;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            DeviceBuffer saved = ws.saved[i] == null ? null : ws.saved[i].slice(0, l.savedSize() * batch);
            DeviceBuffer rSaved = ws.rSaved[i] == null ? null : ws.rSaved[i].slice(0, l.rSavedSize() * batch);
            DeviceBuffer p = params.slice(offsets[i], l.paramCount());
            DeviceBuffer in = ws.activation(i, batch), out = ws.activation(i + 1, batch);
            DeviceBuffer rIn = i == 0 ? null : ws.rActs[i].slice(0, l.inputSize() * batch);
            DeviceBuffer rOut = ws.rActs[i + 1].slice(0, l.outputSize() * batch);
            DeviceBuffer go = gOut.slice(0, l.outputSize() * batch), rgo = rgOut.slice(0, l.outputSize() * batch);
            DeviceBuffer gi = i == 0 ? null : gIn.slice(0, l.inputSize() * batch);
            DeviceBuffer rgi = i == 0 ? null : rgIn.slice(0, l.inputSize() * batch);
            DeviceBuffer vi = v.slice(offsets[i], l.paramCount()), hvi = hv.slice(offsets[i], l.paramCount());
            DeviceBuffer gp = grad == null ? null : grad.slice(offsets[i], l.paramCount());
            boolean fused = false;                     // act's backward (the layer below) ran in this one's epilogue
            if (i >= 2 && l instanceof EquivariantLinear el && layers.get(i - 1) instanceof NormAct act) {
                // act's G_y and R{G_y}, in the epilogue of the GEMM that completes R{G_Z}, where the backend fuses them
                fused = el.backwardWithRNormAct(ws.backend, p, vi, in, rIn, go, rgo, gp, hvi, act,
                        ws.activation(i - 1, batch), ws.rActs[i - 1].slice(0, act.inputSize() * batch), gi, rgi,
                        batch);
            } else {
                l.backwardWithR(ws.backend, p, vi, in, out, saved, rIn, rOut, rSaved, go, rgo, gi, rgi, gp, hvi,
                        batch);
            }
            DeviceBuffer t = gOut;
            gOut = gIn;
            gIn = t;
            t = rgOut;
            rgOut = rgIn;
            rgIn = t;
            if (fused) {
                i--;
            }
        }
        return value;
    }

    /**
     * Generalized Gauss-Newton product {@code G v = J^T H_out J v} of the mean loss (SCIENCE d.1): forward R-pass to
     * R{o}, the loss-head Hessian, then an ordinary backward pass. PSD, and zero on every symmetry tangent.
     * params, v: read. out: modified (overwritten).
     */
    public void gaussNewtonVector(Workspace ws, DeviceBuffer params, DeviceBuffer v, DeviceBuffer out, Loss loss,
                                  int batch) {
        requireParams(v);
        requireParams(out);
        forward(ws, params, batch);
        DeviceBuffer rLogits = forwardR(ws, params, v, batch);
        int classes = spec.classes();
        loss.rop(ws.backend, ws.activation(layers.size(), batch), rLogits, ws.gradA.slice(0, classes * batch),
                classes, batch, 1.0 / batch);
        backwardFrom(ws, params, out, batch);
    }

    private void requireParams(DeviceBuffer p) {
        if (p.length() != paramCount) {
            throw new IllegalArgumentException("parameters: expected " + paramCount + " elements for "
                    + spec.describe() + ", found " + p.length());
        }
    }
}
