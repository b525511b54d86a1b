package org.goldstone.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.tensor.DType;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SCIENCE g.1: |f(g x) - g f(x)| / |f(x)| < 1e-14 for every internal layer and a 10-layer stack. */
class EquivarianceTest {
    static final String[] GROUPS = {"U(1)", "O(1)", "O(2)", "O(3)", "O(4)"};

    static Stream<Arguments> layers() {
        List<Arguments> out = new ArrayList<>();
        for (String g : GROUPS) {
            out.add(Arguments.of(g, "linear", 1.0));
            for (RadialProfile p : RadialProfile.values()) {
                out.add(Arguments.of(g, p.name(), 1.0));
            }
            // RTANH on both sides of the series switch q = 1e-2 and at |y| ~ 1e-9
            out.add(Arguments.of(g, "RTANH", 0.07));
            out.add(Arguments.of(g, "RTANH", 0.05));
            out.add(Arguments.of(g, "RTANH", 1e-9));
        }
        return out.stream();
    }

    /** Applies a list of layers to x (unit layout, n channels, batch samples) on the fp64 CPU backend. */
    static double[] apply(List<Layer> stack, double[] params, double[] x, int batch) {
        try (Backend be = new CpuBackend(2)) {
            DeviceBuffer p = be.allocate(DType.F64, Math.max(1, params.length));
            if (params.length > 0) {
                be.write(p, params);
            }
            DeviceBuffer cur = be.allocate(DType.F64, x.length);
            be.write(cur, x);
            int off = 0;
            for (Layer l : stack) {
                DeviceBuffer next = be.allocate(DType.F64, l.outputSize() * batch);
                DeviceBuffer saved = l.savedSize() > 0 ? be.allocate(DType.F64, l.savedSize() * batch) : null;
                l.forward(be, l.paramCount() > 0 ? p.slice(off, l.paramCount()) : p.slice(0, 0), cur, next, saved,
                        batch);
                off += l.paramCount();
                cur = next;
            }
            double[] out = new double[cur.length()];
            be.read(cur, out);
            return out;
        }
    }

    static double[] params(List<Layer> stack, SplittableRandom rng) {
        int total = 0;
        for (Layer l : stack) {
            total += l.paramCount();
        }
        double[] theta = new double[total];
        int off = 0;
        for (Layer l : stack) {
            l.initialize(theta, off, rng);
            off += l.paramCount();
        }
        return theta;
    }

    static void assertEquivariant(List<Layer> stack, Group g, int n, int batch, double scale, String what) {
        SplittableRandom rng = new SplittableRandom(3);
        double[] theta = params(stack, rng);
        int k = g.unitDim();
        double[] x = Host.gaussian(n * batch * k, rng);
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        double[] fx = apply(stack, theta, x, batch);
        double norm = 0;
        for (double v : fx) {
            norm = Math.max(norm, Math.abs(v));
        }
        double worst = 0;
        GroupElement worstG = null;
        for (int t = 0; t < 100; t++) {
            GroupElement e = g.sample(rng);
            double[] gx = x.clone();
            e.actInPlace(gx, n, batch);
            double[] left = apply(stack, theta, gx, batch);
            double[] right = fx.clone();
            e.actInPlace(right, stack.get(stack.size() - 1).outputSize() / k, batch);
            for (int i = 0; i < left.length; i++) {
                double err = Math.abs(left[i] - right[i]) / norm;
                if (err > worst) {
                    worst = err;
                    worstG = e;
                }
            }
        }
        double w = worst;
        GroupElement wg = worstG;
        assertTrue(w < 1e-14, () -> what + ": max |f(gx) - g f(x)| / max|f(x)| = " + w + " (tolerance 1e-14) at g = "
                + wg);
    }

    @ParameterizedTest(name = "{0} {1} scale {2}")
    @MethodSource("layers")
    void layerIsEquivariant(String group, String kind, double scale) {
        Group g = Group.parse(group);
        int n = 5, k = g.unitDim();
        Layer layer = kind.equals("linear") ? new EquivariantLinear("equiv", g, n, 4, 1.2)
                : new NormAct("act", Radial.of(RadialProfile.valueOf(kind)), n, k);
        assertEquivariant(List.of(layer), g, n, 3, scale, group + " " + kind);
    }

    @Test
    void tenLayerStacksAreEquivariant() {
        for (String group : GROUPS) {
            Group g = Group.parse(group);
            int n = 6;
            List<Layer> stack = new ArrayList<>();
            for (int l = 0; l < 10; l++) {
                stack.add(new EquivariantLinear("equiv." + l, g, n, n, 1.3));
                stack.add(new NormAct("act." + l, Radial.of(RadialProfile.RTANH), n, g.unitDim()));
            }
            assertEquivariant(stack, g, n, 4, 1.0, group + " 10-layer stack");
        }
    }

    @Test
    void groupSamplesAreOrthogonalAndActionIsAHomomorphism() {
        SplittableRandom rng = new SplittableRandom(9);
        for (String group : GROUPS) {
            Group g = Group.parse(group);
            int k = g.unitDim();
            for (int t = 0; t < 20; t++) {
                GroupElement a = g.sample(rng), b = g.sample(rng);
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        double dot = 0;
                        for (int c = 0; c < k; c++) {
                            dot += a.entry(c, i) * a.entry(c, j);
                        }
                        double expected = i == j ? 1 : 0;
                        double d = dot;
                        assertTrue(Math.abs(d - expected) < 1e-14, () -> group + ": R^T R entry " + d);
                    }
                }
                double[] x = Host.gaussian(3 * 2 * k, rng);
                double[] ab = x.clone();
                b.actInPlace(ab, 3, 2);
                a.actInPlace(ab, 3, 2);                   // a(b x)
                double[][] prod = new double[k][k];
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        for (int c = 0; c < k; c++) {
                            prod[i][j] += a.entry(i, c) * b.entry(c, j);
                        }
                    }
                }
                double[] direct = x.clone();
                GroupElement.matrix(prod).actInPlace(direct, 3, 2);
                for (int i = 0; i < x.length; i++) {
                    double e = Math.abs(direct[i] - ab[i]);
                    assertTrue(e < 1e-13, () -> group + ": (ab) x != a (b x), error " + e);
                }
            }
        }
    }
}
