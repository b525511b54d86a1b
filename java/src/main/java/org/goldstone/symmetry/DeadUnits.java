package org.goldstone.symmetry;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.layer.Layer;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;

/**
 * Units whose incoming weights (and bias) and outgoing weights all vanish: such a unit is a fixed point of more than
 * the symmetry group (its phase, its scale, its coupling to the rest), so a minimum that contains one has flat
 * directions the generic Goldstone count does not predict (SCIENCE d.7 stabilizers, h.2).
 */
final class DeadUnits {
    private DeadUnits() {
    }

    static List<String> find(FeedForwardNet net, double[] theta, double tolerance) {
        double max = 0;
        for (double v : theta) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = tolerance * max;
        List<String> dead = new ArrayList<>();
        NetSpec spec = net.spec();
        List<Layer> layers = net.layers();
        int n = spec.width();
        if (spec.unitBlocks() && !spec.equivariant()) {
            return dead;                                 // the generic baseline: no unit structure to inspect
        }
        if (spec.equivariant()) {
            int k = spec.symmetry().unitDim(), mn = n * n;
            boolean complex = spec.symmetry().label().equals("U(1)");
            for (int level = 0; level <= spec.depth(); level++) {
                for (int j = 0; j < n; j++) {
                    double in = 0, out = 0;
                    if (level == 0) {
                        int e0 = net.offset(0), rows = n * k;
                        for (int i = 0; i <= layers.get(0).inputSize(); i++) {
                            for (int a = 0; a < k; a++) {
                                in = Math.max(in, Math.abs(theta[e0 + i * rows + a * n + j]));
                            }
                        }
                    } else {
                        int w0 = net.offset(net.levelLayer(level));
                        for (int c = 0; c < n; c++) {
                            in = Math.max(in, Math.abs(theta[w0 + j + c * n]));
                            in = complex ? Math.max(in, Math.abs(theta[w0 + mn + j + c * n])) : in;
                        }
                    }
                    if (level < spec.depth()) {
                        int w0 = net.offset(net.levelLayer(level + 1));
                        for (int r = 0; r < n; r++) {
                            out = Math.max(out, Math.abs(theta[w0 + r + j * n]));
                            out = complex ? Math.max(out, Math.abs(theta[w0 + mn + r + j * n])) : out;
                        }
                    } else {
                        int r0 = net.offset(layers.size() - 1), classes = spec.classes();
                        for (int c = 0; c < classes; c++) {
                            for (int a = 0; a < k; a++) {
                                out = Math.max(out, Math.abs(theta[r0 + c + (a * n + j) * classes]));
                            }
                        }
                    }
                    if (in < tol && out < tol) {
                        dead.add("level " + level + " unit " + j);
                    }
                }
            }
        } else {
            for (int l = 0; l < layers.size() - 1; l++) {
                Layer block = layers.get(l), next = layers.get(l + 1);
                int o = net.offset(l), in = block.inputSize(), out = block.outputSize();
                int o2 = net.offset(l + 1), m2 = next.outputSize();
                for (int i = 0; i < out; i++) {
                    double a = Math.abs(theta[o + out * in + i]), b = 0;
                    for (int c = 0; c < in; c++) {
                        a = Math.max(a, Math.abs(theta[o + i + c * out]));
                    }
                    for (int r = 0; r < m2; r++) {
                        b = Math.max(b, Math.abs(theta[o2 + r + i * m2]));
                    }
                    if (a < tol && b < tol) {
                        dead.add(block.name() + " unit " + i);
                    }
                }
            }
        }
        return dead;
    }
}
