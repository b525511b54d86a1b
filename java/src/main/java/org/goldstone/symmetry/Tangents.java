package org.goldstone.symmetry;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.Affine;
import org.goldstone.layer.DenseBlock;
import org.goldstone.layer.Layer;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;

/**
 * The predicted tangent vectors of a network's symmetries at theta (SCIENCE d.6, d.7): global U(1)/O(k) generators
 * (for U(1) the per-unit phase gauge, whose sum is the global phase), the softmax logit shifts (cross-entropy), the
 * scale symmetry of PHASE units and the rescale symmetry of ReLU units. Each comes with its exact Hessian identity,
 * built by applying the same linear generator to the gradient. Layer order as {@link FeedForwardNet#of} builds it.
 */
public final class Tangents {
    private Tangents() {
    }

    /** All tangents at theta; {@code gradient} is the gradient of the loss without weight decay. */
    public static List<Tangent> of(FeedForwardNet net, double[] theta, double[] gradient, boolean crossEntropy) {
        List<Tangent> out = new ArrayList<>();
        NetSpec spec = net.spec();
        if (spec.equivariant()) {
            Group g = spec.symmetry();
            boolean broken = spec.breakingBias() != null && spec.breakingBias() != 0;
            if (g.label().equals("U(1)")) {
                for (int level = 0; level <= spec.depth(); level++) {
                    // the bias fixes level-1 phases
                    for (int j = 0; j < spec.width() && !(broken && level == 1); j++) {
                        Generator gen = gauge(net, level, j);
                        out.add(new Tangent("U(1) phase gauge", "level " + level + " unit " + j,
                                Tangent.Kind.ROTATION, gen.apply(theta), gen.apply(gradient)));
                    }
                }
            } else {
                int k = g.unitDim();
                for (int a = 0; a < k && !broken; a++) {                  // a fixed bias vector breaks O(k)
                    for (int b = a + 1; b < k; b++) {
                        Generator gen = globalOrthogonal(net, a, b);
                        out.add(new Tangent("global " + g.label(), "E_" + a + b, Tangent.Kind.ROTATION,
                                gen.apply(theta), gen.apply(gradient)));
                    }
                }
            }
            if (spec.profile() == RadialProfile.PHASE) {
                for (int level = 0; level <= spec.depth(); level++) {
                    for (int j = 0; j < spec.width(); j++) {
                        Generator gen = incomingRow(net, level, j);
                        out.add(new Tangent("PHASE scale", "level " + level + " unit " + j, Tangent.Kind.SCALE,
                                gen.apply(theta), negate(gen.apply(gradient))));
                    }
                }
            }
        } else if (spec.activation() == Activation.RELU && !spec.residual() && !spec.layerNorm()) {
            List<Layer> layers = net.layers();
            for (int l = 0; l < layers.size() - 1; l++) {
                for (int i = 0; i < spec.width(); i++) {
                    Generator gen = rescale(net, l, i);
                    out.add(new Tangent("ReLU rescale", "layer " + l + " unit " + i, Tangent.Kind.SCALE,
                            gen.apply(theta), negate(gen.apply(gradient))));
                }
            }
        }
        if (crossEntropy) {
            out.addAll(softmaxTranslations(net));
        }
        return out;
    }

    /** Softmax shifts: one per readout input coordinate (adds 1 to U[c, m] for all classes c), one for the bias. */
    static List<Tangent> softmaxTranslations(FeedForwardNet net) {
        List<Tangent> out = new ArrayList<>();
        int last = net.layers().size() - 1;
        Affine readout = (Affine) net.layers().get(last);
        int r0 = net.offset(last), classes = readout.outputSize(), inputs = readout.inputSize();
        int p = net.paramCount();
        for (int m = 0; m <= inputs; m++) {             // m == inputs: the bias
            double[] t = new double[p];
            for (int c = 0; c < classes; c++) {
                t[r0 + c + m * classes] = 1.0;
            }
            out.add(new Tangent("softmax translation", m == inputs ? "readout bias" : "readout input " + m,
                    Tangent.Kind.TRANSLATION, t, new double[p]));
        }
        return out;
    }

    private static double[] negate(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = -x[i];
        }
        return x;
    }

    /** U(1) gauge of unit j at a level: incoming row times i, outgoing column times -i (readout columns times i). */
    static Generator gauge(FeedForwardNet net, int level, int j) {
        int n = net.spec().width(), depth = net.spec().depth();
        Generator gen = new Generator(net.paramCount());
        List<Layer> layers = net.layers();
        if (level == 0) {
            int e0 = net.offset(0), rows = 2 * n;
            for (int i = 0; i <= layers.get(0).inputSize(); i++) {
                gen.rotatePair(e0 + i * rows + j, e0 + i * rows + n + j, 1.0);
            }
        } else {
            int w0 = net.offset(net.levelLayer(level)), mn = n * n;
            for (int c = 0; c < n; c++) {
                gen.rotatePair(w0 + j + c * n, w0 + mn + j + c * n, 1.0);
            }
        }
        if (level < depth) {
            int w0 = net.offset(net.levelLayer(level + 1)), mn = n * n;
            for (int r = 0; r < n; r++) {
                gen.rotatePair(w0 + r + j * n, w0 + mn + r + j * n, -1.0);
            }
        } else {
            int r0 = net.offset(layers.size() - 1), classes = layers.get(layers.size() - 1).outputSize();
            for (int c = 0; c < classes; c++) {
                gen.rotatePair(r0 + c + j * classes, r0 + c + (n + j) * classes, 1.0);
            }
        }
        return gen;
    }

    /** Global O(k) generator E_ab on every k-vector of the embedding (weights, bias) and the readout. */
    static Generator globalOrthogonal(FeedForwardNet net, int a, int b) {
        int n = net.spec().width(), k = net.spec().symmetry().unitDim();
        Generator gen = new Generator(net.paramCount());
        List<Layer> layers = net.layers();
        int e0 = net.offset(0), rows = n * k;
        for (int i = 0; i <= layers.get(0).inputSize(); i++) {
            for (int j = 0; j < n; j++) {
                int base = e0 + i * rows + j;           // component c at base + c*n
                gen.rotatePair(base + b * n, base + a * n, 1.0);   // (E v)_a = v_b, (E v)_b = -v_a
            }
        }
        int r0 = net.offset(layers.size() - 1), classes = layers.get(layers.size() - 1).outputSize();
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < n; j++) {
                int base = r0 + c + j * classes;        // component e at base + e*n*classes
                gen.rotatePair(base + b * n * classes, base + a * n * classes, 1.0);
            }
        }
        return gen;
    }

    /** Projector onto the incoming row of unit j at a level (all its k rows; the embedding bias too). */
    static Generator incomingRow(FeedForwardNet net, int level, int j) {
        int n = net.spec().width(), k = net.spec().symmetry().unitDim();
        boolean complex = net.spec().symmetry().label().equals("U(1)");
        Generator gen = new Generator(net.paramCount());
        if (level == 0) {
            int e0 = net.offset(0), rows = n * k;
            for (int i = 0; i <= net.layers().get(0).inputSize(); i++) {
                for (int a = 0; a < k; a++) {
                    gen.scale(e0 + i * rows + a * n + j, 1.0);
                }
            }
        } else {
            int w0 = net.offset(net.levelLayer(level)), mn = n * n;
            for (int c = 0; c < n; c++) {
                gen.scale(w0 + j + c * n, 1.0);
                if (complex) {
                    gen.scale(w0 + mn + j + c * n, 1.0);
                }
            }
        }
        return gen;
    }

    /** ReLU rescale of hidden unit i of dense layer l: +1 on its incoming row and bias, -1 on its outgoing column. */
    static Generator rescale(FeedForwardNet net, int l, int i) {
        List<Layer> layers = net.layers();
        Generator gen = new Generator(net.paramCount());
        DenseBlock block = (DenseBlock) layers.get(l);
        int o = net.offset(l), in = block.inputSize(), out = block.outputSize();
        for (int c = 0; c < in; c++) {
            gen.scale(o + i + c * out, 1.0);
        }
        gen.scale(o + out * in + i, 1.0);
        Layer next = layers.get(l + 1);
        int o2 = net.offset(l + 1), m2 = next.outputSize();
        for (int r = 0; r < m2; r++) {
            gen.scale(o2 + r + i * m2, -1.0);
        }
        return gen;
    }

    /** A sparse linear generator on the parameter vector: 2x2 rotations (generator J) on pairs and diagonal scales. */
    static final class Generator {
        private final int p;
        private final List<int[]> pairs = new ArrayList<>();
        private final List<Double> pairSigns = new ArrayList<>();
        private final List<Integer> diag = new ArrayList<>();
        private final List<Double> diagValues = new ArrayList<>();

        Generator(int p) {
            this.p = p;
        }

        /** On (x_re, x_im): sign * J = sign * [[0, -1], [1, 0]], i.e. (re, im) -> sign * (-im, re). */
        void rotatePair(int re, int im, double sign) {
            pairs.add(new int[] {re, im});
            pairSigns.add(sign);
        }

        void scale(int i, double value) {
            diag.add(i);
            diagValues.add(value);
        }

        double[] apply(double[] x) {
            double[] out = new double[p];
            for (int q = 0; q < pairs.size(); q++) {
                int[] pr = pairs.get(q);
                double s = pairSigns.get(q);
                out[pr[0]] += -s * x[pr[1]];
                out[pr[1]] += s * x[pr[0]];
            }
            for (int q = 0; q < diag.size(); q++) {
                out[diag.get(q)] += diagValues.get(q) * x[diag.get(q)];
            }
            return out;
        }
    }
}
