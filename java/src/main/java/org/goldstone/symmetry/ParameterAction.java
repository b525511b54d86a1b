package org.goldstone.symmetry;

import org.goldstone.group.GroupElement;
import org.goldstone.layer.Affine;
import org.goldstone.layer.EquivariantLinear;
import org.goldstone.layer.Layer;
import org.goldstone.net.FeedForwardNet;

/**
 * The action of the symmetry group on the flat parameter vector of an equivariant {@link FeedForwardNet} that
 * leaves the loss invariant (SCIENCE d.6): the global group rotates every unit-vector of the embedding weights and
 * bias and of the readout weights; for U(1) the per-unit phase gauge rotates one unit's incoming row and
 * counter-rotates its outgoing column. Layer order is the one {@link FeedForwardNet#of} builds:
 * embed, act.0, (equiv.l, act.l) for l = 1..L, readout.
 */
public final class ParameterAction {
    private ParameterAction() {
    }

    /** Applies the global element g (k x k, k = unit dimension) to theta in place. */
    public static void globalInPlace(FeedForwardNet net, double[] theta, GroupElement g) {
        int n = net.spec().width(), k = g.dim();
        java.util.List<Layer> layers = net.layers();
        Affine embed = (Affine) layers.get(0);
        Affine readout = (Affine) layers.get(layers.size() - 1);
        int e0 = net.offset(0), d = embed.inputSize(), rows = n * k;
        double[] v = new double[k];
        for (int i = 0; i <= d; i++) {                   // i == d: the bias, stored after the weights
            int col = e0 + i * rows;
            for (int j = 0; j < n; j++) {
                rotate(theta, col + j, n, g, v);         // components a*n + j of column i
            }
        }
        int r0 = net.offset(layers.size() - 1), classes = readout.outputSize();
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < n; j++) {
                rotate(theta, r0 + c + j * classes, n * classes, g, v);   // U[c, a*n + j] at c + (a*n + j)*C
            }
        }
    }

    /**
     * U(1) gauge: multiplies the incoming row of unit j at level l (0 = embedding output, 1..L internal) by
     * e^{i beta} and its outgoing column by e^{-i beta} (readout columns by e^{+i beta}, since the readout takes
     * Re(conj(U) z)). theta: modified.
     */
    public static void unitPhaseInPlace(FeedForwardNet net, double[] theta, int level, int j, double beta) {
        if (!net.spec().equivariant() || net.spec().symmetry().unitDim() != 2
                || !"U(1)".equals(net.spec().symmetry().label())) {
            throw new IllegalArgumentException("unit phase gauge: expected a U(1) network, found "
                    + net.spec().group());
        }
        int n = net.spec().width(), depth = net.spec().depth();
        if (level < 0 || level > depth || j < 0 || j >= n) {
            throw new IllegalArgumentException("unit phase gauge: expected level 0.." + depth + " and unit 0.."
                    + (n - 1) + ", found " + level + ", " + j);
        }
        java.util.List<Layer> layers = net.layers();
        GroupElement in = GroupElement.phase(beta), out = GroupElement.phase(-beta);
        double[] v = new double[2];
        if (level == 0) {
            Affine embed = (Affine) layers.get(0);
            int e0 = net.offset(0), rows = 2 * n;
            for (int i = 0; i <= embed.inputSize(); i++) {
                rotate(theta, e0 + i * rows + j, n, in, v);
            }
        } else {
            int li = net.levelLayer(level);
            int w0 = net.offset(li), mn = n * n;
            requireLinear(layers.get(li));
            for (int c = 0; c < n; c++) {
                rotate(theta, w0 + j + c * n, mn, in, v);      // (Re, Im) of W[j, c]
            }
        }
        if (level < depth) {
            int li = net.levelLayer(level + 1);
            int w0 = net.offset(li), mn = n * n;
            requireLinear(layers.get(li));
            for (int r = 0; r < n; r++) {
                rotate(theta, w0 + r + j * n, mn, out, v);     // (Re, Im) of W[r, j]
            }
        } else {
            Affine readout = (Affine) layers.get(layers.size() - 1);
            int r0 = net.offset(layers.size() - 1), classes = readout.outputSize();
            for (int c = 0; c < classes; c++) {
                rotate(theta, r0 + c + j * classes, n * classes, in, v);
            }
        }
    }

    private static void requireLinear(Layer l) {
        if (!(l instanceof EquivariantLinear)) {
            throw new IllegalStateException("expected an equivariant linear layer, found " + l.name());
        }
    }

    /** Rotates the k components theta[base + a*stride] by g. */
    private static void rotate(double[] theta, int base, int stride, GroupElement g, double[] v) {
        int k = g.dim();
        for (int a = 0; a < k; a++) {
            v[a] = theta[base + a * stride];
        }
        for (int a = 0; a < k; a++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += g.entry(a, c) * v[c];
            }
            theta[base + a * stride] = s;
        }
    }
}
