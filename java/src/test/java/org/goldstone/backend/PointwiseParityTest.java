package org.goldstone.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.layer.Activation;
import org.goldstone.tensor.DType;
import org.goldstone.testing.Parity;
import org.goldstone.testing.Parity.Tolerance;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pointwise kernels against their CPU twin ({@code CpuPointwise}) on identical inputs: every method, F32 and
 * F64, every activation, rows 1, 37, 300 (not multiples of the block) by columns 1, 5, 257, and inputs near 0,
 * of unit size, very large, and (layer norm) with a large offset, where y - mean cancels.
 */
@Tag("cuda")
@Tag("opencl")
class PointwiseParityTest {
    private static final int[] ROWS = {1, 37, 300};
    private static final int[] COLS = {1, 5, 257};
    private static final double EPS = 1e-5;                // DenseBlock's layer-norm epsilon

    /** One kind of input: y = offset + scale * N(0, 1), the other data arrays scale * N(0, 1). */
    private record Input(String label, double scale, double offset) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static final List<Input> INPUTS = List.of(new Input("near0", 1e-3, 0), new Input("unit", 1, 0),
            new Input("large", 1e3, 0));
    private static final Input OFFSET = new Input("offset", 1, 1e3);

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (String name : Parity.ACCELERATORS) {
            for (DType dt : DType.values()) {
                for (int rows : ROWS) {
                    for (int cols : COLS) {
                        out.add(Arguments.of(name, dt, rows, cols));
                    }
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> activations() {
        List<Arguments> out = new ArrayList<>();
        for (String name : Parity.ACCELERATORS) {
            for (DType dt : DType.values()) {
                for (Activation act : Activation.values()) {
                    for (int rows : ROWS) {
                        for (int cols : COLS) {
                            out.add(Arguments.of(name, dt, act, rows, cols));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /** Host data of one case, rounded to the dtype so that both backends see the same values. */
    private static final class Data {
        final double[] y, ry, gz, rgz, gamma, beta, vGamma, vBeta, bias, gb0;

        Data(int rows, int cols, DType dt, Input in, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int n = rows * cols;
            y = Parity.gaussian(n, in.scale(), dt, rng);
            for (int i = 0; i < n; i++) {
                y[i] = dt == DType.F32 ? (float) (in.offset() + y[i]) : in.offset() + y[i];
            }
            ry = Parity.gaussian(n, in.scale(), dt, rng);
            gz = Parity.gaussian(n, in.scale(), dt, rng);
            rgz = Parity.gaussian(n, in.scale(), dt, rng);
            gamma = Parity.gaussian(rows, 1, dt, rng);
            for (int i = 0; i < rows; i++) {
                gamma[i] = dt == DType.F32 ? (float) (1 + gamma[i]) : 1 + gamma[i];
            }
            beta = Parity.gaussian(rows, 1, dt, rng);
            vGamma = Parity.gaussian(rows, 1, dt, rng);
            vBeta = Parity.gaussian(rows, 1, dt, rng);
            bias = Parity.gaussian(rows, 1, dt, rng);
            gb0 = Parity.gaussian(rows, 1, dt, rng);
        }
    }

    private static long seed(int rows, int cols, DType dt, Input in) {
        return rows * 1_000_003L + cols * 1009L + dt.ordinal() * 17L + in.label().hashCode();
    }

    private static String what(String op, DType dt, int rows, int cols, Object detail) {
        return op + " " + dt + " " + rows + "x" + cols + " (" + detail + ")";
    }

    /**
     * Reductions (column sums, layer-norm means and variances) add many terms in another order than the twin, and
     * the GPU fuses multiply-adds: the absolute error follows the size of the terms, not of each result, so a
     * result that cancels to near 0 needs atol relative to the output's scale; atol is multiplied by the largest
     * |ref| (at least 1). rtol stays. With a large offset, the twin's sequential sum of 300 values near 1e3 leaves
     * about 1e-12 of rounding in the mean, which y - mean exposes at full size in the O(1) outputs (about 0.3 of the
     * fp64 bound in a host emulation of the kernels): a further factor 10 there.
     */
    private static Tolerance reduction(DType dt, double[] ref, Input in) {
        double m = 1;
        for (double v : ref) {
            m = Math.max(m, Math.abs(v));
        }
        Tolerance t = Tolerance.of(dt);
        Tolerance scaled = new Tolerance(t.atol() * m, t.rtol());
        return in.offset() != 0 ? scaled.times(10) : scaled;
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("shapes")
    void addBiasInPlaceMatchesCpu(String name, DType dt, int rows, int cols) {
        Backend gpu = Parity.backend(name), cpu = Parity.cpu();
        for (Input in : INPUTS) {
            Data d = new Data(rows, cols, dt, in, seed(rows, cols, dt, in));
            double[][] r = new double[2][];
            Backend[] bes = {cpu, gpu};
            for (int k = 0; k < 2; k++) {
                DeviceBuffer y = Parity.upload(bes[k], dt, d.y), bias = Parity.upload(bes[k], dt, d.bias);
                bes[k].pointwise().addBiasInPlace(y, bias, rows, cols);
                r[k] = Parity.download(bes[k], y);
            }
            Parity.assertClose(what("addBiasInPlace", dt, rows, cols, in), r[0], r[1], Tolerance.of(dt));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("shapes")
    void sumColumnsMatchesCpu(String name, DType dt, int rows, int cols) {
        Backend gpu = Parity.backend(name), cpu = Parity.cpu();
        for (Input in : INPUTS) {
            Data d = new Data(rows, cols, dt, in, seed(rows, cols, dt, in));
            for (double beta : new double[] {0.0, 1.0}) {                    // gb starts non-zero in both cases
                double[][] r = new double[2][];
                Backend[] bes = {cpu, gpu};
                for (int k = 0; k < 2; k++) {
                    DeviceBuffer gy = Parity.upload(bes[k], dt, d.gz), gb = Parity.upload(bes[k], dt, d.gb0);
                    bes[k].pointwise().sumColumns(gy, gb, rows, cols, beta);
                    r[k] = Parity.download(bes[k], gb);
                }
                Parity.assertClose(what("sumColumns", dt, rows, cols, in + ", beta " + beta), r[0], r[1],
                        reduction(dt, r[0], in));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}x{4}")
    @MethodSource("activations")
    void activationsMatchCpu(String name, DType dt, Activation act, int rows, int cols) {
        Backend gpu = Parity.backend(name), cpu = Parity.cpu();
        int n = rows * cols;
        Tolerance tol = Tolerance.of(dt);
        for (Input in : INPUTS) {
            Data d = new Data(rows, cols, dt, in, seed(rows, cols, dt, in));
            double[] z = new double[n];                                     // the same z = act(y) for both
            for (int i = 0; i < n; i++) {
                z[i] = dt == DType.F32 ? (float) act.apply(d.y[i]) : act.apply(d.y[i]);
            }
            String detail = act + ", " + in;
            double[][] fwd = new double[2][], bwd = new double[2][], inPlace = new double[2][], rop = new double[2][];
            Backend[] bes = {cpu, gpu};
            for (int k = 0; k < 2; k++) {
                Backend be = bes[k];
                PointwiseOps ops = be.pointwise();
                DeviceBuffer y = Parity.upload(be, dt, d.y), zb = Parity.upload(be, dt, z);
                DeviceBuffer ry = Parity.upload(be, dt, d.ry), gz = Parity.upload(be, dt, d.gz);
                DeviceBuffer rgz = Parity.upload(be, dt, d.rgz), out = be.allocate(dt, n);
                ops.activationForward(act, y, out, n);
                fwd[k] = Parity.download(be, out);
                ops.activationBackward(act, y, zb, gz, out, n);
                bwd[k] = Parity.download(be, out);
                ops.activationRopBackward(act, y, zb, ry, gz, rgz, out, n);
                rop[k] = Parity.download(be, out);
                ops.activationBackward(act, y, zb, gz, gz, n);               // gy aliasing gz is allowed
                inPlace[k] = Parity.download(be, gz);
            }
            Parity.assertClose(what("activationForward", dt, rows, cols, detail), fwd[0], fwd[1], tol);
            Parity.assertClose(what("activationBackward", dt, rows, cols, detail), bwd[0], bwd[1], tol);
            Parity.assertClose(what("activationBackward in place", dt, rows, cols, detail), inPlace[0], inPlace[1],
                    tol);
            Parity.assertClose(what("activationRopBackward", dt, rows, cols, detail), rop[0], rop[1], tol);
        }
    }

    private static List<Input> layerNormInputs() {
        List<Input> all = new ArrayList<>(INPUTS);
        all.add(OFFSET);
        return all;
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("shapes")
    void layerNormForwardMatchesCpu(String name, DType dt, int rows, int cols) {
        Backend gpu = Parity.backend(name), cpu = Parity.cpu();
        for (Input in : layerNormInputs()) {
            Data d = new Data(rows, cols, dt, in, seed(rows, cols, dt, in));
            double[][] z = new double[2][], rz = new double[2][];
            Backend[] bes = {cpu, gpu};
            for (int k = 0; k < 2; k++) {
                Backend be = bes[k];
                DeviceBuffer y = Parity.upload(be, dt, d.y), ry = Parity.upload(be, dt, d.ry);
                DeviceBuffer gamma = Parity.upload(be, dt, d.gamma), beta = Parity.upload(be, dt, d.beta);
                DeviceBuffer vGamma = Parity.upload(be, dt, d.vGamma), vBeta = Parity.upload(be, dt, d.vBeta);
                DeviceBuffer out = be.allocate(dt, rows * cols);
                be.pointwise().layerNormForward(y, gamma, beta, out, rows, cols, EPS);
                z[k] = Parity.download(be, out);
                be.pointwise().layerNormForwardR(y, ry, gamma, vGamma, vBeta, out, rows, cols, EPS);
                rz[k] = Parity.download(be, out);
            }
            Parity.assertClose(what("layerNormForward", dt, rows, cols, in), z[0], z[1], reduction(dt, z[0], in));
            Parity.assertClose(what("layerNormForwardR", dt, rows, cols, in), rz[0], rz[1], reduction(dt, rz[0], in));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3}")
    @MethodSource("shapes")
    void layerNormBackwardMatchesCpu(String name, DType dt, int rows, int cols) {
        Backend gpu = Parity.backend(name), cpu = Parity.cpu();
        for (Input in : layerNormInputs()) {
            Data d = new Data(rows, cols, dt, in, seed(rows, cols, dt, in));
            double[][] gy = new double[2][], gg = new double[2][], gb = new double[2][];
            double[][] rgy = new double[2][], rgg = new double[2][], rgb = new double[2][];
            Backend[] bes = {cpu, gpu};
            for (int k = 0; k < 2; k++) {
                Backend be = bes[k];
                PointwiseOps ops = be.pointwise();
                DeviceBuffer y = Parity.upload(be, dt, d.y), ry = Parity.upload(be, dt, d.ry);
                DeviceBuffer gamma = Parity.upload(be, dt, d.gamma), vGamma = Parity.upload(be, dt, d.vGamma);
                DeviceBuffer gz = Parity.upload(be, dt, d.gz), rgz = Parity.upload(be, dt, d.rgz);
                DeviceBuffer out = be.allocate(dt, rows * cols);
                // parameter gradients start non-zero: both passes must overwrite them
                DeviceBuffer pg = Parity.upload(be, dt, d.gb0), pb = Parity.upload(be, dt, d.bias);
                ops.layerNormBackward(y, gamma, gz, out, pg, pb, rows, cols, EPS);
                gy[k] = Parity.download(be, out);
                gg[k] = Parity.download(be, pg);
                gb[k] = Parity.download(be, pb);
                pg = Parity.upload(be, dt, d.gb0);
                pb = Parity.upload(be, dt, d.bias);
                ops.layerNormBackwardR(y, ry, gamma, vGamma, gz, rgz, out, pg, pb, rows, cols, EPS);
                rgy[k] = Parity.download(be, out);
                rgg[k] = Parity.download(be, pg);
                rgb[k] = Parity.download(be, pb);
            }
            Parity.assertClose(what("layerNormBackward G_y", dt, rows, cols, in), gy[0], gy[1],
                    reduction(dt, gy[0], in));
            Parity.assertClose(what("layerNormBackward G_gamma", dt, rows, cols, in), gg[0], gg[1],
                    reduction(dt, gg[0], in));
            Parity.assertClose(what("layerNormBackward G_beta", dt, rows, cols, in), gb[0], gb[1],
                    reduction(dt, gb[0], in));
            Parity.assertClose(what("layerNormBackwardR R{G_y}", dt, rows, cols, in), rgy[0], rgy[1],
                    reduction(dt, rgy[0], in));
            Parity.assertClose(what("layerNormBackwardR R{G_gamma}", dt, rows, cols, in), rgg[0], rgg[1],
                    reduction(dt, rgg[0], in));
            Parity.assertClose(what("layerNormBackwardR R{G_beta}", dt, rows, cols, in), rgb[0], rgb[1],
                    reduction(dt, rgb[0], in));
        }
    }
}
