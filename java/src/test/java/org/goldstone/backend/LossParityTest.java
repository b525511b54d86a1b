package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * loss kernels against CpuLoss: classes 1, 10, 37; batch 1, 5, 257 (not a multiple of the block), 1000; logits
 * near 0, of order 1, of order 1e3 (the max-shifted log-sum-exp) and small integers (argmax ties, first wins).
 */
@Tag("cuda")
@Tag("opencl")
class LossParityTest {
    /** How the logits are drawn. */
    enum Regime { NEAR_ZERO, UNIT, LARGE, TIES }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String be : Parity.ACCELERATORS) {
            for (DType dt : DType.values()) {
                for (int classes : new int[] {1, 10, 37}) {
                    for (int batch : new int[] {1, 5, 257, 1000}) {
                        for (Regime r : Regime.values()) {
                            out.add(Arguments.of(be, dt, classes, batch, r));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /** Logits classes x batch for the regime, rounded to dt. */
    private static double[] logits(Regime r, int classes, int batch, DType dt, SplittableRandom rng) {
        int n = classes * batch;
        switch (r) {
            case NEAR_ZERO:
                return gaussian(n, 1e-3, dt, rng);
            case UNIT:
                return gaussian(n, 1.0, dt, rng);
            case LARGE:
                return gaussian(n, 1e3, dt, rng);
            default:
                double[] o = new double[n];
                for (int i = 0; i < n; i++) {
                    o[i] = rng.nextInt(3);                 // values 0, 1, 2: most samples have a tied maximum
                }
                for (int i = 0; i < Math.min(2, batch) * classes; i++) {
                    o[i] = 0.5;                            // samples 0 and 1: every class tied
                }
                return o;
        }
    }

    private static double[] labels(Regime r, int classes, int batch, SplittableRandom rng) {
        double[] y = new double[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = rng.nextInt(classes);
        }
        if (r == Regime.TIES) {
            y[0] = classes - 1;                            // all tied: wrong unless classes == 1 (first wins)
            if (batch > 1) {
                y[1] = 0;                                  // all tied: right
            }
        }
        return y;
    }

    private static String at(String name, DType dt, int classes, int batch, Regime r, String op) {
        return name + " " + op + " " + dt + " " + classes + "x" + batch + " " + r;
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3} {4}")
    @MethodSource("cases")
    void forwardMatchesTheTwin(String name, DType dt, int classes, int batch, Regime r) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        SplittableRandom rng = new SplittableRandom(classes * 7919L + batch * 31L + r.ordinal() * 3L + dt.ordinal());
        double[] o = logits(r, classes, batch, dt, rng);
        double[] y = labels(r, classes, batch, rng);
        double scale = 1.0 / batch;
        // The sums are in double on both sides; the GPU adds per block, then the blocks in index order, so the
        // order differs from the twin's: every term is >= 0, so the relative error stays ~ batch * 1e-16, well
        // inside the unwidened tolerance.
        Parity.Tolerance tol = Parity.Tolerance.of(dt);
        for (String op : new String[] {"xent", "mse"}) {
            LossOps.Value[] value = new LossOps.Value[2];
            double[][] grad = new double[2][];
            int idx = 0;
            for (Backend be : new Backend[] {cpu, gpu}) {
                DeviceBuffer ob = upload(be, dt, o), yb = upload(be, dt, y), gb = be.allocate(dt, o.length);
                value[idx] = op.equals("xent") ? be.loss().softmaxCrossEntropy(ob, yb, gb, classes, batch, scale)
                        : be.loss().meanSquaredError(ob, yb, gb, classes, batch, scale);
                grad[idx] = download(be, gb);
                idx++;
            }
            String what = at(name, dt, classes, batch, r, op);
            assertClose(what + " summed loss", value[0].sum(), value[1].sum(), tol);
            assertEquals(value[0].correct(), value[1].correct(), what + " correct count (argmax == label, first"
                    + " maximum wins a tie)");
            assertClose(what + " gradient", grad[0], grad[1], tol);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}x{3} {4}")
    @MethodSource("cases")
    void ropMatchesTheTwin(String name, DType dt, int classes, int batch, Regime r) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        SplittableRandom rng = new SplittableRandom(classes * 104729L + batch * 17L + r.ordinal() * 5L + dt.ordinal());
        double[] o = logits(r, classes, batch, dt, rng);
        double[] ro = gaussian(o.length, 1.0, dt, rng);
        double scale = 1.0 / batch;
        Parity.Tolerance tol = Parity.Tolerance.of(dt);
        double[][] xent = new double[2][], mse = new double[2][];
        int idx = 0;
        for (Backend be : new Backend[] {cpu, gpu}) {
            DeviceBuffer ob = upload(be, dt, o), rob = upload(be, dt, ro), rgb = be.allocate(dt, o.length);
            be.loss().softmaxCrossEntropyRop(ob, rob, rgb, classes, batch, scale);
            xent[idx] = download(be, rgb);
            be.loss().meanSquaredErrorRop(rob, rgb, classes, batch, scale);
            mse[idx] = download(be, rgb);
            idx++;
        }
        assertClose(at(name, dt, classes, batch, r, "xent rop"), xent[0], xent[1], tol);
        assertClose(at(name, dt, classes, batch, r, "mse rop"), mse[0], mse[1], tol);
    }

    static Stream<Arguments> labelCases() {
        List<Arguments> out = new ArrayList<>();
        for (String be : Parity.ACCELERATORS) {
            for (DType dt : DType.values()) {
                for (double bad : new double[] {-1.0, 2.5, 10.0, Double.NaN}) {
                    out.add(Arguments.of(be, dt, bad));
                }
            }
        }
        return out.stream();
    }

    /** An invalid label throws the twin's message, naming the first bad sample (planted in two blocks). */
    @ParameterizedTest(name = "{0} {1} label {2}")
    @MethodSource("labelCases")
    void invalidLabelThrowsLikeTheTwin(String name, DType dt, double bad) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        int classes = 10, batch = 600;
        SplittableRandom rng = new SplittableRandom(11);
        double[] o = gaussian(classes * batch, 1.0, dt, rng);
        double[] y = labels(Regime.UNIT, classes, batch, rng);
        y[300] = bad;                                      // block 1 of the GPU grid
        y[3] = bad;                                        // block 0: the one both must name
        for (String op : new String[] {"xent", "mse"}) {
            String[] message = new String[2];
            int idx = 0;
            for (Backend be : new Backend[] {cpu, gpu}) {
                DeviceBuffer ob = upload(be, dt, o), yb = upload(be, dt, y), gb = be.allocate(dt, o.length);
                BackendException e = assertThrows(BackendException.class, () -> {
                    // an accelerator's value is deferred: the invalid label surfaces when it is read
                    if (op.equals("xent")) {
                        be.loss().softmaxCrossEntropy(ob, yb, gb, classes, batch, 1.0).sum();
                    } else {
                        be.loss().meanSquaredError(ob, yb, gb, classes, batch, 1.0).sum();
                    }
                }, name + " " + op + " " + dt + " label " + bad + " on " + be.name());
                message[idx++] = e.getMessage();
            }
            assertEquals(message[0], message[1], name + " " + op + " " + dt + " label " + bad + ": error message");
        }
    }

    static Stream<Arguments> accelerators() {
        return Parity.ACCELERATORS.stream().map(Arguments::of);
    }

    /**
     * Deferred values: more launches than the ring holds (DeviceLoss.RING = 4), each on its own logits, read in
     * reverse order only at the end (the oldest were read when their slot was reused); every value equals the
     * twin's for the same inputs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("accelerators")
    void deferredValuesReadLateStillMatchTheTwin(String name) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        int classes = 10, batch = 300, launches = 7;
        SplittableRandom rng = new SplittableRandom(13);
        double[] y = labels(Regime.UNIT, classes, batch, rng);
        LossOps.Value[][] values = new LossOps.Value[2][launches];
        double[][] logits = new double[launches][];
        for (int i = 0; i < launches; i++) {
            logits[i] = gaussian(classes * batch, 1.0 + i, DType.F32, rng);
        }
        int idx = 0;
        for (Backend be : new Backend[] {cpu, gpu}) {
            DeviceBuffer yb = upload(be, DType.F32, y), gb = be.allocate(DType.F32, classes * batch);
            for (int i = 0; i < launches; i++) {
                values[idx][i] = be.loss().softmaxCrossEntropy(upload(be, DType.F32, logits[i]), yb, gb, classes,
                        batch, 1.0);
            }
            idx++;
        }
        for (int i = launches - 1; i >= 0; i--) {
            assertClose(name + " deferred loss " + i, values[0][i].sum(), values[1][i].sum(),
                    Parity.Tolerance.F32.times(Math.sqrt(batch)));
            assertEquals(values[0][i].correct(), values[1][i].correct(), name + " deferred correct count " + i);
        }
    }
}
