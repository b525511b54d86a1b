package org.goldstone.diagnostics;

import java.util.List;
import org.goldstone.layer.Affine;
import org.goldstone.layer.DenseBlock;
import org.goldstone.layer.EquivariantLinear;
import org.goldstone.layer.Layer;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;

/**
 * The incoming and outgoing weights of every unit of one representation level (SCIENCE f.1, f.2), gathered from the
 * flat parameter vector. Incoming w_j: the unit's row of the layer that produces the level (embedding rows with their
 * bias; dense rows with bias and layer-norm gain and shift). Outgoing u_j: the unit's column of the next layer (the
 * readout at the last level). U(1) nets give complex vectors (planar re/im); O(k) nets give the k-vector components
 * of the embedding and readout as extra real entries; real nets give real vectors.
 */
final class UnitVectors {
    final int units;
    final boolean complex;
    /** Whether the outgoing vectors are readout columns, which the U(1) gauge rotates by e^{+i beta}. */
    final boolean readout;
    final double[][] inRe, inIm, outRe, outIm;

    private UnitVectors(int units, boolean complex, boolean readout, int inLength, int outLength) {
        this.units = units;
        this.complex = complex;
        this.readout = readout;
        inRe = new double[units][inLength];
        outRe = new double[units][outLength];
        inIm = complex ? new double[units][inLength] : null;
        outIm = complex ? new double[units][outLength] : null;
    }

    static void requireLevel(FeedForwardNet net, double[] theta, int level) {
        if (theta == null || theta.length != net.paramCount()) {
            throw new IllegalArgumentException("diagnostics: expected theta of " + net.paramCount()
                    + " parameters for " + net.spec().describe() + ", found "
                    + (theta == null ? "null" : theta.length));
        }
        int depth = net.spec().depth();
        if (level < 0 || level > depth) {
            throw new IllegalArgumentException("diagnostics: expected level 0.." + depth + ", found " + level);
        }
    }

    /** Index in {@link FeedForwardNet#layers()} of the layer whose output is representation level {@code level}. */
    static int producerIndex(NetSpec spec, int level) {
        return spec.equivariant() ? 2 * level + 1 : level;
    }

    /** Index of the layer applying the weights that produce level {@code level} (embedding, linear or dense). */
    static int weightIndex(NetSpec spec, int level) {
        return spec.equivariant() ? 2 * level : level;
    }

    static boolean isU1(NetSpec spec) {
        return spec.equivariant() && "U(1)".equals(spec.symmetry().label());
    }

    static UnitVectors of(FeedForwardNet net, double[] theta, int level) {
        requireLevel(net, theta, level);
        NetSpec spec = net.spec();
        return spec.equivariant() ? equivariant(net, theta, level) : real(net, theta, level);
    }

    private static UnitVectors equivariant(FeedForwardNet net, double[] theta, int level) {
        NetSpec spec = net.spec();
        List<Layer> layers = net.layers();
        int n = spec.width(), depth = spec.depth(), d = spec.inputs(), classes = spec.classes();
        int k = spec.symmetry().unitDim();
        boolean complex = isU1(spec);
        boolean last = level == depth;
        int inLength = level == 0 ? (complex ? d + 1 : k * (d + 1)) : n;
        int outLength = last ? (complex ? classes : k * classes) : n;
        UnitVectors v = new UnitVectors(n, complex, last, inLength, outLength);
        if (level == 0) {
            requireType(layers.get(0), Affine.class);
            int e0 = net.offset(0), rows = n * k;
            // column i == d is the bias, stored right after the weights (out * in = rows * d)
            for (int j = 0; j < n; j++) {
                for (int i = 0; i <= d; i++) {
                    if (complex) {
                        v.inRe[j][i] = theta[e0 + j + i * rows];
                        v.inIm[j][i] = theta[e0 + n + j + i * rows];
                    } else {
                        for (int a = 0; a < k; a++) {
                            v.inRe[j][i * k + a] = theta[e0 + a * n + j + i * rows];
                        }
                    }
                }
            }
        } else {
            int li = weightIndex(spec, level);
            requireType(layers.get(li), EquivariantLinear.class);
            int w0 = net.offset(li), mn = n * n;
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < n; c++) {
                    v.inRe[j][c] = theta[w0 + j + c * n];
                    if (complex) {
                        v.inIm[j][c] = theta[w0 + mn + j + c * n];
                    }
                }
            }
        }
        if (!last) {
            int li = weightIndex(spec, level + 1);
            requireType(layers.get(li), EquivariantLinear.class);
            int w0 = net.offset(li), mn = n * n;
            for (int j = 0; j < n; j++) {
                for (int r = 0; r < n; r++) {
                    v.outRe[j][r] = theta[w0 + r + j * n];
                    if (complex) {
                        v.outIm[j][r] = theta[w0 + mn + r + j * n];
                    }
                }
            }
        } else {
            int li = layers.size() - 1;
            requireType(layers.get(li), Affine.class);
            int r0 = net.offset(li);
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < classes; c++) {
                    if (complex) {
                        v.outRe[j][c] = theta[r0 + c + j * classes];
                        v.outIm[j][c] = theta[r0 + c + (n + j) * classes];
                    } else {
                        for (int a = 0; a < k; a++) {
                            v.outRe[j][c * k + a] = theta[r0 + c + (a * n + j) * classes];
                        }
                    }
                }
            }
        }
        return v;
    }

    private static UnitVectors real(FeedForwardNet net, double[] theta, int level) {
        NetSpec spec = net.spec();
        List<Layer> layers = net.layers();
        int n = spec.width(), depth = spec.depth(), classes = spec.classes();
        Layer producer = layers.get(level);
        requireType(producer, DenseBlock.class);
        int in = producer.inputSize(), p0 = net.offset(level);
        int extras = producer.paramCount() / n - in;          // bias, plus layer-norm gain and shift
        boolean last = level == depth;
        UnitVectors v = new UnitVectors(n, false, last, in + extras, last ? classes : n);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < in + extras; i++) {
                v.inRe[j][i] = theta[p0 + j + i * n];          // bias and LN vectors follow at stride n
            }
        }
        Layer next = layers.get(level + 1);
        int q0 = net.offset(level + 1), rows = last ? classes : n;
        requireType(next, last ? Affine.class : DenseBlock.class);
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < rows; r++) {
                v.outRe[j][r] = theta[q0 + r + j * rows];
            }
        }
        return v;
    }

    private static void requireType(Layer l, Class<? extends Layer> type) {
        if (!type.isInstance(l)) {
            throw new IllegalStateException("diagnostics: expected a " + type.getSimpleName() + " layer, found "
                    + l.name() + " (" + l.getClass().getSimpleName() + ")");
        }
    }

    /** Squared norm of unit j's incoming plus outgoing weights. */
    double squaredNorm(int j) {
        double s = sq(inRe[j]) + sq(outRe[j]);
        if (complex) {
            s += sq(inIm[j]) + sq(outIm[j]);
        }
        return s;
    }

    private static double sq(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return s;
    }
}
