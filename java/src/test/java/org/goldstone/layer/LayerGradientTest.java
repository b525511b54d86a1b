package org.goldstone.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.group.Group;
import org.goldstone.tensor.DType;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SCIENCE g.3 per layer: for phi(theta, x) = <r, f(x; theta)> with a random cotangent r, the backward pass
 * (gradOut = r) must match central differences (eps 1e-6) in both the parameters and the input, rel. err < 1e-7.
 */
class LayerGradientTest {
    static Stream<Arguments> layers() {
        List<Arguments> out = new ArrayList<>();
        int batch = 3;
        out.add(Arguments.of(new Affine("affine", 5, 4, true, 0.7, 0.3), 1.0, batch));
        out.add(Arguments.of(new Affine("affine-nobias", 5, 4, false, 0.7, 0.0), 1.0, batch));
        for (String g : new String[] {"U(1)", "O(1)", "O(2)", "O(3)", "O(4)"}) {
            Group group = Group.parse(g);
            out.add(Arguments.of(new EquivariantLinear("equiv " + g, group, 5, 3, 1.2), 1.0, batch));
            for (RadialProfile p : RadialProfile.values()) {
                out.add(Arguments.of(new NormAct("act " + g + " " + p, Radial.of(p), 4, group.unitDim()), 1.0, batch));
            }
            // RTANH across the series switch at q = 1e-2
            out.add(Arguments.of(new NormAct("act " + g + " RTANH small", Radial.of(RadialProfile.RTANH), 4,
                    group.unitDim()), 0.06, batch));
        }
        for (Activation a : Activation.values()) {
            for (boolean ln : new boolean[] {false, true}) {
                out.add(Arguments.of(new DenseBlock("dense " + a + (ln ? " ln" : ""), 4, 4, a, true, ln, 1.0, 0.5),
                        1.0, batch));
                out.add(Arguments.of(new DenseBlock("dense-in " + a + (ln ? " ln" : ""), 5, 4, a, false, ln, 1.0, 0.5),
                        1.0, batch));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} scale {1}")
    @MethodSource("layers")
    void backwardMatchesCentralDifferences(Layer layer, double scale, int batch) {
        SplittableRandom rng = new SplittableRandom(17);
        double[] theta = new double[layer.paramCount()];
        layer.initialize(theta, 0, rng);
        double[] x = Host.gaussian(layer.inputSize() * batch, rng);
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        double[] r = Host.gaussian(layer.outputSize() * batch, rng);
        int sum = 0;
        for (ParamBlock b : layer.paramBlocks()) {
            assertEquals(sum, b.offset(), layer.name() + ": parameter blocks must tile the slice");
            sum += b.size();
        }
        assertEquals(layer.paramCount(), sum, layer.name() + ": parameter blocks must cover paramCount");
        try (Backend be = new CpuBackend(2)) {
            double[][] grads = backward(be, layer, theta, x, r, batch);
            double eps = 1e-6 * Math.max(scale, 1e-3);
            for (int trial = 0; trial < 3; trial++) {
                double[] vt = Host.gaussian(theta.length, rng), vx = Host.gaussian(x.length, rng);
                double[] tp = theta.clone(), tm = theta.clone(), xp = x.clone(), xm = x.clone();
                for (int i = 0; i < theta.length; i++) {
                    tp[i] += eps * vt[i];
                    tm[i] -= eps * vt[i];
                }
                for (int i = 0; i < x.length; i++) {
                    xp[i] += eps * vx[i];
                    xm[i] -= eps * vx[i];
                }
                double fd = (phi(be, layer, tp, xp, r, batch) - phi(be, layer, tm, xm, r, batch)) / (2 * eps);
                double an = 0;
                for (int i = 0; i < theta.length; i++) {
                    an += grads[0][i] * vt[i];
                }
                for (int i = 0; i < x.length; i++) {
                    an += grads[1][i] * vx[i];
                }
                double a = an;
                // floor 1e-2: the O(1) PHASE map is sign(y), whose derivative is exactly 0 (FD noise ~1e-10)
                double rel = Math.abs(fd - a) / Math.max(1e-2, Math.abs(fd) + Math.abs(a));
                assertTrue(rel < 1e-7, () -> layer.name() + ": backward " + a + " vs central difference " + fd
                        + ", relative error " + rel + " (tolerance 1e-7)");
            }
        }
    }

    private static DeviceBuffer params(Backend be, double[] theta) {
        DeviceBuffer p = be.allocate(DType.F64, theta.length);
        if (theta.length > 0) {
            be.write(p, theta);
        }
        return p;
    }

    private static double phi(Backend be, Layer layer, double[] theta, double[] x, double[] r, int batch) {
        DeviceBuffer in = be.allocate(DType.F64, x.length), out = be.allocate(DType.F64, r.length);
        DeviceBuffer saved = layer.savedSize() > 0 ? be.allocate(DType.F64, layer.savedSize() * batch) : null;
        be.write(in, x);
        layer.forward(be, params(be, theta), in, out, saved, batch);
        double[] y = new double[r.length];
        be.read(out, y);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += r[i] * y[i];
        }
        return s;
    }

    private static double[][] backward(Backend be, Layer layer, double[] theta, double[] x, double[] r, int batch) {
        DeviceBuffer p = params(be, theta);
        DeviceBuffer in = be.allocate(DType.F64, x.length), out = be.allocate(DType.F64, r.length);
        DeviceBuffer saved = layer.savedSize() > 0 ? be.allocate(DType.F64, layer.savedSize() * batch) : null;
        be.write(in, x);
        layer.forward(be, p, in, out, saved, batch);
        DeviceBuffer gOut = be.allocate(DType.F64, r.length), gIn = be.allocate(DType.F64, x.length);
        DeviceBuffer gp = be.allocate(DType.F64, theta.length);
        be.write(gOut, r);
        layer.backward(be, p, in, out, saved, gOut, gIn, gp, batch);
        double[] gt = new double[theta.length], gx = new double[x.length];
        be.read(gp, gt);
        be.read(gIn, gx);
        return new double[][] {gt, gx};
    }
}
