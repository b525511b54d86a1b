package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * optim kernels against CpuOptim on lengths 1, 37 and 1000003 (not a multiple of the block): SGD, momentum with
 * and without Nesterov, Adam steps t = 1..3 with and without decoupled decay. Each step's theta and state are
 * compared, so a wrong bias correction at any t shows.
 */
@Tag("cuda")
@Tag("opencl")
class OptimParityTest {
    private static final int STEPS = 3;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String be : Parity.ACCELERATORS) {
            for (DType dt : DType.values()) {
                for (int n : new int[] {1, 37, 1_000_003}) {
                    out.add(Arguments.of(be, dt, n));
                }
            }
        }
        return out.stream();
    }

    /** |gaussian| * scale, rounded to dt: a valid second moment. */
    private static double[] positive(int n, double scale, DType dt, SplittableRandom rng) {
        double[] x = gaussian(n, scale, dt, rng);
        for (int i = 0; i < n; i++) {
            x[i] = Math.abs(x[i]);
        }
        return x;
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void sgdMatchesTheTwin(String name, DType dt, int n) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        SplittableRandom rng = new SplittableRandom(n * 5L + dt.ordinal());
        double[] theta = gaussian(n, 1.0, dt, rng);
        double[][] g = new double[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            g[s] = gaussian(n, 1.0, dt, rng);
        }
        double[][][] got = new double[2][STEPS][];
        int idx = 0;
        for (Backend be : new Backend[] {cpu, gpu}) {
            DeviceBuffer tb = upload(be, dt, theta);
            for (int s = 0; s < STEPS; s++) {
                be.optim().sgd(tb, upload(be, dt, g[s]), 0.05);
                got[idx][s] = download(be, tb);
            }
            idx++;
        }
        for (int s = 0; s < STEPS; s++) {
            assertClose(name + " sgd " + dt + " n=" + n + " step " + (s + 1) + " theta", got[0][s], got[1][s],
                    Parity.Tolerance.of(dt));
        }
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void momentumMatchesTheTwin(String name, DType dt, int n) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        for (boolean nesterov : new boolean[] {false, true}) {
            SplittableRandom rng = new SplittableRandom(n * 7L + dt.ordinal() + (nesterov ? 100 : 0));
            double[] theta = gaussian(n, 1.0, dt, rng), v = gaussian(n, 0.1, dt, rng);
            double[][] g = new double[STEPS][];
            for (int s = 0; s < STEPS; s++) {
                g[s] = gaussian(n, 1.0, dt, rng);
            }
            double[][][] thetas = new double[2][STEPS][], vs = new double[2][STEPS][];
            int idx = 0;
            for (Backend be : new Backend[] {cpu, gpu}) {
                DeviceBuffer tb = upload(be, dt, theta), vb = upload(be, dt, v);
                for (int s = 0; s < STEPS; s++) {
                    be.optim().momentum(tb, upload(be, dt, g[s]), vb, 0.01, 0.9, nesterov);
                    thetas[idx][s] = download(be, tb);
                    vs[idx][s] = download(be, vb);
                }
                idx++;
            }
            for (int s = 0; s < STEPS; s++) {
                String what = name + " momentum nesterov=" + nesterov + " " + dt + " n=" + n + " step " + (s + 1);
                assertClose(what + " v", vs[0][s], vs[1][s], Parity.Tolerance.of(dt));
                assertClose(what + " theta", thetas[0][s], thetas[1][s], Parity.Tolerance.of(dt));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void adamMatchesTheTwin(String name, DType dt, int n) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        for (double decay : new double[] {0.0, 0.1}) {
            SplittableRandom rng = new SplittableRandom(n * 11L + dt.ordinal() + (decay > 0 ? 100 : 0));
            double[] theta = gaussian(n, 1.0, dt, rng);
            // without decay: a fresh Adam (m = v = 0, as Optimizer starts) whose first gradients are ~1e-6, so
            // sqrt(v / c2) ~ 1e-6 and eps = 1e-8 matters; with decay: a state in mid-run and gradients of order 1
            boolean fresh = decay == 0;
            double[] m = fresh ? new double[n] : gaussian(n, 0.1, dt, rng);
            double[] v = fresh ? new double[n] : positive(n, 0.01, dt, rng);
            double[][] g = new double[STEPS][];
            for (int s = 0; s < STEPS; s++) {
                g[s] = gaussian(n, fresh && s == 0 ? 1e-6 : 1.0, dt, rng);
            }
            double[][][] thetas = new double[2][STEPS][], ms = new double[2][STEPS][], vs = new double[2][STEPS][];
            int idx = 0;
            for (Backend be : new Backend[] {cpu, gpu}) {
                DeviceBuffer tb = upload(be, dt, theta), mb = upload(be, dt, m), vb = upload(be, dt, v);
                for (int s = 0; s < STEPS; s++) {
                    be.optim().adam(tb, upload(be, dt, g[s]), mb, vb, 0.01, 0.9, 0.999, 1e-8, s + 1, decay);
                    thetas[idx][s] = download(be, tb);
                    ms[idx][s] = download(be, mb);
                    vs[idx][s] = download(be, vb);
                }
                idx++;
            }
            for (int s = 0; s < STEPS; s++) {
                String what = name + " adam decay=" + decay + " " + dt + " n=" + n + " t=" + (s + 1);
                assertClose(what + " m", ms[0][s], ms[1][s], Parity.Tolerance.of(dt));
                assertClose(what + " v", vs[0][s], vs[1][s], Parity.Tolerance.of(dt));
                assertClose(what + " theta", thetas[0][s], thetas[1][s], Parity.Tolerance.of(dt));
            }
        }
    }
}
