package org.goldstone.diagnostics;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.layer.Layer;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.tensor.DType;

/**
 * Entry point: every symmetry diagnostic of SCIENCE f.1-f.4 for a network, its parameters and a labelled probe
 * batch, in one {@link DiagnosticsReport}. One fp64 forward pass on a private CPU backend gives the features of all
 * levels and the logits; the weight diagnostics read theta directly. Cost per level: one SVD of the batch x D
 * feature matrix, one of the weight matrix (2n x 2n for U(1)), O(batch^2 D) for c-hat and O(n^2 D) for the pairs.
 */
public final class Diagnostics {
    private Diagnostics() {
    }

    /** {@link #compute(FeedForwardNet, double[], double[], int[], double)} with tau = 1e-3 (f.2). */
    public static DiagnosticsReport compute(FeedForwardNet net, double[] theta, double[] x, int[] labels) {
        return compute(net, theta, x, labels, SymmetryBreaking.DEFAULT_TAU);
    }

    /**
     * The diagnostics of {@code net} at {@code theta} on the probe batch {@code x} (sample-major: sample b's inputs
     * at {@code x[b*d .. (b+1)*d)}) with {@code labels} in 0..C-1; {@code tau} is the relative collapse threshold of
     * the unit pairs. theta, x, labels: read.
     */
    public static DiagnosticsReport compute(FeedForwardNet net, double[] theta, double[] x, int[] labels,
                                            double tau) {
        NetSpec spec = net.spec();
        int batch = labels == null ? 0 : labels.length;
        Probe probe = probe(net, theta, x, batch);
        int n = spec.width();
        boolean complex = UnitVectors.isU1(spec);
        int k = spec.equivariant() ? spec.symmetry().unitDim() : 1;
        int dim = n * k, classes = spec.classes();
        List<LevelDiagnostics> levels = new ArrayList<>();
        for (int l = 0; l <= spec.depth(); l++) {
            double[] h = probe.levels[l];
            levels.add(new LevelDiagnostics(l, dim, Ranks.featureRank(h, batch, dim), Ranks.weightRank(net, theta, l),
                    Ranks.diversity(h, batch, n, k, complex), NeuralCollapse.nc1(h, batch, dim, labels, classes),
                    SymmetryBreaking.level(net, theta, l, tau)));
        }
        int ro = net.layers().size() - 1;
        double[] readout = java.util.Arrays.copyOfRange(theta, net.offset(ro), net.offset(ro) + classes * dim);
        CollapseMetrics collapse = NeuralCollapse.of(probe.levels[spec.depth()], batch, dim, labels, classes, readout,
                probe.logits);
        return new DiagnosticsReport(spec.describe(), spec.group(), batch, classes, levels,
                Ranks.readoutRank(net, theta), collapse);
    }

    /**
     * The probe features of every level 0..L (sample-major, n k per sample, the unit layout inside a sample) and,
     * as the last row, the logits (classes x batch column-major), from one fp64 forward pass. theta, x: read.
     */
    public static double[][] levelFeatures(FeedForwardNet net, double[] theta, double[] x, int batch) {
        Probe p = probe(net, theta, x, batch);
        double[][] out = java.util.Arrays.copyOf(p.levels, p.levels.length + 1);
        out[p.levels.length] = p.logits;
        return out;
    }

    private record Probe(double[][] levels, double[] logits) {
    }

    private static Probe probe(FeedForwardNet net, double[] theta, double[] x, int batch) {
        NetSpec spec = net.spec();
        UnitVectors.requireLevel(net, theta, 0);
        if (batch < 1 || x == null || x.length != spec.inputs() * batch) {
            throw new IllegalArgumentException("probe: expected " + batch + " samples of " + spec.inputs()
                    + " inputs (batch >= 1), found " + (x == null ? "null" : x.length + " values"));
        }
        List<Layer> layers = net.layers();
        try (Backend be = new CpuBackend(1)) {
            FeedForwardNet.Workspace ws = net.workspace(be, DType.F64, batch);
            be.write(ws.activation(0, batch), x);
            DeviceBuffer params = be.allocate(DType.F64, net.paramCount());
            be.write(params, theta);
            net.forward(ws, params, batch);
            double[][] levels = new double[spec.depth() + 1][];
            for (int l = 0; l <= spec.depth(); l++) {
                DeviceBuffer a = ws.activation(UnitVectors.producerIndex(spec, l) + 1, batch);
                levels[l] = new double[a.length()];
                be.read(a, levels[l]);
            }
            DeviceBuffer o = ws.activation(layers.size(), batch);
            double[] logits = new double[o.length()];
            be.read(o, logits);
            return new Probe(levels, logits);
        }
    }
}
