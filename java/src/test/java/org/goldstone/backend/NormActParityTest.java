package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.UnitShape;
import org.goldstone.testing.Parity;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * norm_act kernels against the plain fp64 loops of CpuNormAct (see {@link #reference}): every radial profile
 * (default constants, plus non-default ones for the profiles that read a and b), fp32 and fp64, channels 1, 37 and
 * 300 (not a multiple of the 256-thread block), k = 1..4, batch 1 and 5, inputs y of scale 1e-3 (q < 1e-2: the
 * RTANH series branch), 1 and 1e3, and one exactly-zero unit where h is finite at 0. Each case checks forward,
 * backward (also in place, gy == gz, which the contract allows), ropBackward and both outputs of backwardAndRop.
 */
@Tag("cuda")
@Tag("opencl")
class NormActParityTest {
    private static final double[] SCALES = {1e-3, 1.0, 1e3};
    private static final String[] PASSES = {"fwd z", "bwd G_y", "bwd in place G_y", "rop R{G_y}", "bwdrop G_y",
        "bwdrop R{G_y}"};

    static List<Radial> radials() {
        List<Radial> out = new ArrayList<>();
        for (RadialProfile p : RadialProfile.values()) {
            out.add(Radial.of(p));
        }
        out.add(new Radial(RadialProfile.GATE, 0.7, -0.3));      // rising gate: a and b both matter, signs flipped
        out.add(new Radial(RadialProfile.MODRELU, 0.0, -1e-3));  // the dead/alive kink inside the scale-1e-3 inputs
        out.add(new Radial(RadialProfile.CUBIC, 0.0, 0.5));
        return out;
    }

    static List<UnitShape> shapes() {
        List<UnitShape> out = new ArrayList<>();
        int[] channels = {1, 37, 300};
        for (int c = 0; c < channels.length; c++) {
            for (int k = 1; k <= 4; k++) {
                out.add(new UnitShape(channels[c], (c + k) % 2 == 0 ? 1 : 5, k));   // batch 1 and 5 for each
            }
        }
        return out;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String be : Parity.ACCELERATORS) {
            for (Radial r : radials()) {
                for (DType dt : DType.values()) {
                    for (UnitShape s : shapes()) {
                        out.add(Arguments.of(be, Named.of(describe(r), r), dt, Named.of(describe(s), s)));
                    }
                }
            }
        }
        return out.stream();
    }

    static String describe(Radial r) {
        return String.format(Locale.ROOT, "%s(a=%s, b=%s)", r.profile(), r.a(), r.b());
    }

    static String describe(UnitShape s) {
        return s.channels() + "x" + s.batch() + "x" + s.k();
    }

    /** Profiles singular at q = 0: h, h' and h'' grow like |y|^-1, |y|^-3 and |y|^-5 there. */
    static boolean singular(Radial r) {
        return r.profile() == RadialProfile.PHASE || r.profile() == RadialProfile.MODRELU;
    }

    /**
     * y: gaussian times scale, rounded to dt. For the singular profiles every unit is pushed out to norm at least
     * scale/4, so no unit is (near) zero and the conditioning of each case is set by its scale; for the others the
     * last unit is set to exactly zero (q = 0) when there is more than one.
     */
    static double[] input(UnitShape s, double scale, DType dt, boolean awayFromZero, SplittableRandom rng) {
        double[] y = gaussian(s.elements(), scale, dt, rng);
        int n = s.channels(), k = s.k();
        if (!awayFromZero) {
            if (s.units() > 1) {
                int base = (s.batch() - 1) * k * n + n - 1;             // unit (n-1, batch-1)
                for (int a = 0; a < k; a++) {
                    y[base + a * n] = 0.0;
                }
            }
            return y;
        }
        for (int b = 0; b < s.batch(); b++) {
            for (int j = 0; j < n; j++) {
                int base = b * k * n + j;
                double q = 0;
                for (int a = 0; a < k; a++) {
                    q += y[base + a * n] * y[base + a * n];
                }
                double norm = Math.sqrt(q), min = 0.25 * scale;
                for (int a = 0; a < k; a++) {
                    double v = norm < min ? (norm == 0 ? (a == 0 ? min : 0) : y[base + a * n] * (min / norm))
                            : y[base + a * n];
                    y[base + a * n] = dt == DType.F32 ? (float) v : v;
                }
            }
        }
        return y;
    }

    /** A fixed seed per case and scale. */
    static SplittableRandom rng(Radial r, UnitShape s, int scaleIndex) {
        return new SplittableRandom(1_000_003L * r.profile().ordinal() + 10_007L * s.channels() + 101L * s.batch()
                + 11L * s.k() + scaleIndex + (r.equals(Radial.of(r.profile())) ? 0 : 7_777_777L));
    }

    /** The six outputs of {@link #PASSES} on backend be, from the same host inputs. */
    static double[][] run(Backend be, Radial r, DType dt, UnitShape s, double[] y, double[] ry, double[] gz,
                          double[] rgz) {
        DeviceBuffer yb = upload(be, dt, y), ryb = upload(be, dt, ry), gzb = upload(be, dt, gz);
        DeviceBuffer rgzb = upload(be, dt, rgz);
        double[][] out = new double[PASSES.length][];
        DeviceBuffer z = be.allocate(dt, s.elements());
        be.normAct().forward(r, yb, z, s);
        out[0] = download(be, z);
        DeviceBuffer gy = be.allocate(dt, s.elements());
        be.normAct().backward(r, yb, gzb, gy, s);
        out[1] = download(be, gy);
        DeviceBuffer inPlace = upload(be, dt, gz);
        be.normAct().backward(r, yb, inPlace, inPlace, s);
        out[2] = download(be, inPlace);
        DeviceBuffer rgy = be.allocate(dt, s.elements());
        be.normAct().ropBackward(r, yb, ryb, gzb, rgzb, rgy, s);
        out[3] = download(be, rgy);
        DeviceBuffer gy2 = be.allocate(dt, s.elements()), rgy2 = be.allocate(dt, s.elements());
        be.normAct().backwardAndRop(r, yb, ryb, gzb, rgzb, gy2, rgy2, s);
        out[4] = download(be, gy2);
        out[5] = download(be, rgy2);
        return out;
    }

    /** Whether output {@code pass} of {@link #PASSES} is an R-op, with terms h'' (y.w)(y.G) y ~ |y|^-2 on PHASE. */
    private static boolean rop(int pass) {
        return PASSES[pass].contains("R{");
    }

    /**
     * The twin's fp64 loops on the same (dtype-rounded) inputs, rounded to dt: exactly what the kernels compute
     * (sums and h in double, one rounding at the store). The fp32 twin is not the reference because for ALG and
     * RTANH it runs the fp32 SIMD approximation (VectorNormAct): its RTANH R-op is off by 0.27 where the exact
     * value is 5e-5 (k = 1, y = 5.97, q between 30 and 81), far outside any fp32 tolerance of a double kernel.
     */
    static double[][] reference(Radial r, DType dt, UnitShape s, double[] y, double[] ry, double[] gz, double[] rgz) {
        double[][] want = run(Parity.cpu(), r, DType.F64, s, y, ry, gz, rgz);
        if (dt == DType.F32) {
            for (double[] w : want) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) w[i];
                }
            }
        }
        return want;
    }

    /**
     * Tolerance.of(dt), except fp64 on the singular profiles at scale 1e-3: there the terms of each output are
     * ~1/|y| (forward and backward) and ~1/|y|^2 (R-op) times the O(1) gradients, i.e. up to 4e3 and 1.6e7 with
     * |y| >= scale/4, and they cancel (for k = 1 the PHASE backward is exactly 0 in exact arithmetic). pow differs
     * by an ulp or two between the JDK and CUDA, so the difference is a few ulps of the largest term: atol grows by
     * that term size, rtol stays (measured on a host emulation of the kernel with pow perturbed by +-2 ulp, 8 seeds:
     * at most 22% of the widened bound, where the plain one is exceeded 5x by the backward, 9e4x by the R-op). fp32
     * needs nothing: the kernel sums in double, and that noise is far below fp32's atol.
     */
    static Parity.Tolerance tolerance(Radial r, DType dt, double scale, int pass) {
        Parity.Tolerance t = Parity.Tolerance.of(dt);
        if (dt != DType.F64 || !singular(r) || scale >= 1.0) {
            return t;
        }
        double term = rop(pass) ? 1.0 / (scale * scale) : 1.0 / scale;
        return new Parity.Tolerance(t.atol() * term, t.rtol());
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void everyPassMatchesTheTwin(String name, Radial r, DType dt, UnitShape s) {
        Backend gpu = Parity.backend(name);
        for (int si = 0; si < SCALES.length; si++) {
            double scale = SCALES[si];
            SplittableRandom rng = rng(r, s, si);
            double[] y = input(s, scale, dt, singular(r), rng);
            double[] ry = gaussian(s.elements(), 1.0, dt, rng), gz = gaussian(s.elements(), 1.0, dt, rng);
            double[] rgz = gaussian(s.elements(), 1.0, dt, rng);
            double[][] want = reference(r, dt, s, y, ry, gz, rgz);
            double[][] got = run(gpu, r, dt, s, y, ry, gz, rgz);
            for (int p = 0; p < PASSES.length; p++) {
                String what = String.format(Locale.ROOT, "%s norm_act %s %s %s scale %g: %s", name, describe(r), dt,
                        describe(s), scale, PASSES[p]);
                assertClose(what, want[p], got[p], tolerance(r, dt, scale, p));
            }
        }
    }
}
