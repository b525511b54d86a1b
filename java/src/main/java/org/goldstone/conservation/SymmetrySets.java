package org.goldstone.conservation;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.layer.Activation;
import org.goldstone.layer.Affine;
import org.goldstone.layer.DenseBlock;
import org.goldstone.layer.EquivariantLinear;
import org.goldstone.layer.Layer;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;

/**
 * The translation, scale and rescale parameter sets of a {@link FeedForwardNet} (SCIENCE e.1, e.5), in the flat
 * parameter layout of {@link FeedForwardNet#of} (matrices column-major, {@code out x in} weight then bias):
 * <ul>
 *   <li>softmax cross-entropy: one TRANSLATION set per readout input feature m (the column {@code U[:, m]} into
 *       all logits) and one for the logit biases;</li>
 *   <li>real baseline with a homogeneous activation (ReLU, identity), no residual, no layer norm: one RESCALE set per
 *       hidden unit i of every dense block, A1 = incoming row {@code W[i, :]} and bias {@code b[i]}, A2 = outgoing
 *       column of the next layer;</li>
 *   <li>equivariant net with the PHASE profile: one SCALE set per unit j at each level, its incoming row (all k
 *       real rows of the unit; both planes of a complex row; the embedding bias too). A fixed breaking bias at
 *       level 1 breaks the scale symmetry of that level, which is then left out.</li>
 * </ul>
 * Rotation and phase symmetries have no conserved charge (e.4); their tangents are in
 * {@link org.goldstone.symmetry.Tangents}.
 */
public final class SymmetrySets {
    private SymmetrySets() {
    }

    /** Every set of the net, translations last; {@code crossEntropy}: the loss is softmax cross-entropy. */
    public static List<SymmetrySet> of(FeedForwardNet net, boolean crossEntropy) {
        List<SymmetrySet> out = new ArrayList<>();
        NetSpec spec = net.spec();
        if (spec.equivariant()) {
            if (spec.profile() == RadialProfile.PHASE) {
                out.addAll(phaseScales(net));
            }
        } else if ((spec.activation() == Activation.RELU || spec.activation() == Activation.IDENTITY)
                && !spec.residual() && !spec.layerNorm()) {
            out.addAll(rescales(net));
        }
        if (crossEntropy) {
            out.addAll(translations(net));
        }
        return out;
    }

    /** Softmax translations: readout columns {@code U[:, m]}, then the logit biases. */
    public static List<SymmetrySet> translations(FeedForwardNet net) {
        int last = net.layers().size() - 1;
        Affine readout = requireLayer(net, last, Affine.class);
        int r0 = net.offset(last), classes = readout.outputSize(), inputs = readout.inputSize();
        if (readout.paramCount() != classes * (inputs + 1)) {
            throw new IllegalArgumentException("softmax translation: expected a readout with bias ("
                    + classes * (inputs + 1) + " parameters), found " + readout.paramCount());
        }
        List<SymmetrySet> out = new ArrayList<>();
        for (int m = 0; m <= inputs; m++) {            // m == inputs: the bias, stored after the weights
            int[] a = new int[classes];
            for (int c = 0; c < classes; c++) {
                a[c] = r0 + c + m * classes;
            }
            out.add(new SymmetrySet(SymmetrySet.Kind.TRANSLATION, m == inputs ? "readout bias" : "readout input " + m,
                    a, null));
        }
        return out;
    }

    /** ReLU rescale of every hidden unit: incoming row + bias against the next layer's outgoing column. */
    public static List<SymmetrySet> rescales(FeedForwardNet net) {
        List<Layer> layers = net.layers();
        List<SymmetrySet> out = new ArrayList<>();
        for (int l = 0; l < layers.size() - 1; l++) {
            DenseBlock block = requireLayer(net, l, DenseBlock.class);
            Layer next = layers.get(l + 1);
            int o = net.offset(l), in = block.inputSize(), units = block.outputSize();
            int o2 = net.offset(l + 1), m2 = next.outputSize();
            for (int i = 0; i < units; i++) {
                int[] a1 = new int[in + 1];
                for (int c = 0; c < in; c++) {
                    a1[c] = o + i + c * units;
                }
                a1[in] = o + units * in + i;
                int[] a2 = new int[m2];
                for (int r = 0; r < m2; r++) {
                    a2[r] = o2 + r + i * m2;
                }
                out.add(new SymmetrySet(SymmetrySet.Kind.RESCALE, block.name() + " unit " + i, a1, a2));
            }
        }
        return out;
    }

    /** PHASE scale of every unit's incoming row, levels 0 (embedding, with bias) to depth. */
    public static List<SymmetrySet> phaseScales(FeedForwardNet net) {
        NetSpec spec = net.spec();
        int n = spec.width(), k = spec.symmetry().unitDim();
        boolean broken = spec.breakingBias() != null && spec.breakingBias() != 0;
        List<SymmetrySet> out = new ArrayList<>();
        Affine embed = requireLayer(net, 0, Affine.class);
        int e0 = net.offset(0), rows = n * k, d = embed.inputSize();
        for (int j = 0; j < n; j++) {
            int[] a = new int[(d + 1) * k];
            int q = 0;
            for (int i = 0; i <= d; i++) {             // i == d: the bias column
                for (int c = 0; c < k; c++) {
                    a[q++] = e0 + i * rows + c * n + j;
                }
            }
            out.add(new SymmetrySet(SymmetrySet.Kind.SCALE, "level 0 unit " + j, a, null));
        }
        for (int level = 1; level <= spec.depth(); level++) {
            if (broken && level == 1) {
                continue;
            }
            EquivariantLinear w = requireLayer(net, 2 * level, EquivariantLinear.class);
            boolean complex = w.paramCount() == 2 * n * n;
            int w0 = net.offset(2 * level);
            for (int j = 0; j < n; j++) {
                int[] a = new int[complex ? 2 * n : n];
                for (int c = 0; c < n; c++) {
                    a[c] = w0 + j + c * n;
                    if (complex) {
                        a[n + c] = w0 + n * n + j + c * n;     // the imaginary plane follows the real one
                    }
                }
                out.add(new SymmetrySet(SymmetrySet.Kind.SCALE, "level " + level + " unit " + j, a, null));
            }
        }
        return out;
    }

    private static <L extends Layer> L requireLayer(FeedForwardNet net, int index, Class<L> type) {
        Layer l = net.layers().get(index);
        if (!type.isInstance(l)) {
            throw new IllegalArgumentException("symmetry sets: expected layer " + index + " to be a "
                    + type.getSimpleName() + ", found " + l.getClass().getSimpleName() + " " + l.name());
        }
        return type.cast(l);
    }
}
