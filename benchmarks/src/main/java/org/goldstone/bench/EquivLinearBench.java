package org.goldstone.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.goldstone.backend.Backend;
import org.goldstone.backend.Backends;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.UnitShape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The equiv_linear family ({@link EquivLinearOps}): one forward matmul of an equivariant layer per op, beta = 0.
 * {@link #shape} names the op and its sizes:
 * <ul>
 *   <li>{@code gemm-MxNxKK}: {@code gemm(false, false, M, N, KK)}, C (M x N) = A (M x KK) B (KK x N), the O(k)
 *       layer {@code W (x) I_k} as one GEMM over N = batch*k columns. {@code gemm-128x1024x128} is the layer of
 *       {@link TrainStepBench} (128 channels, batch 256, k = 4); {@code gemm-1024x4096x1024} a wide one (1024
 *       channels, batch 1024, k = 4; 8.6 GFLOP, skip it on the CPU with {@code -p shape=...});</li>
 *   <li>{@code layer-MxNxKK}: the whole O(4) layer, Y = A B as for gemm and then the norm nonlinearity (ALG
 *       profile, units of k = 4 columns) into a second output Z: {@code gemmNormAct} in one kernel where the backend
 *       fuses them ({@code cuda+tf32}), else {@code gemm} then
 *       {@code normAct().forward}. {@code layer-1024x4096x1024} against {@code gemm-1024x4096x1024} on cuBLAS is
 *       issue 8's "fused layer at least as fast as cuBLAS's GEMM alone";</li>
 *   <li>{@code complex-MxNxBATCH}: {@code complexForward(M, N, BATCH)}, Y = W Z with W complex M x N (planar), Z
 *       N channels of k = 2 over BATCH samples: the U(1) layer ({@code complex-128x128x256} is that of
 *       {@link TrainStepBench}).</li>
 * </ul>
 * Timed: the op plus {@code synchronize()}, so the kernel and not its enqueue. Before timing, setup runs the op
 * once on fixed-seed N(0, 1) inputs and compares it with the CPU twin in fp64 on the same inputs
 * ({@link TwinCheck#requireClose}); a mismatch fails the trial. The log has one {@code # check} line per trial.
 *
 * <p>Rates: {@link #flops} is 2 M N KK for the real GEMM and 8 M N BATCH for the complex one (one complex
 * multiply-add = 4 real ones); {@link #bytes} is the compulsory traffic, each operand read once and the output
 * written once: (M KK + KK N + M N) x dtype bytes, and (2 M N + 2 N BATCH + 2 M BATCH) x dtype bytes. GFLOP/s =
 * flops / (us x 1e3).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class EquivLinearBench {
    static final long SEED = 20240611L;

    /** Backend name as {@code Backends.open} takes it: cpu, cuda, cuda+cublas, opencl. */
    @Param("cpu") public String backend;
    @Param("F32") public DType dtype;
    /** {@code gemm-MxNxKK} or {@code complex-MxNxBATCH}, see the class comment. */
    @Param({"gemm-128x1024x128", "gemm-1024x4096x1024", "complex-128x128x256"}) public String shape;

    private Backend device;
    private Shape s;
    private DeviceBuffer a, b, c, z;
    /** The layer shapes' norm nonlinearity and unit size. */
    static final Radial LAYER_ACT = Radial.of(RadialProfile.ALG);
    static final int LAYER_K = 4;

    /** One parsed {@link #shape}: real GEMM or layer (m, n, kk), or complex forward (m, n, batch in kk). */
    record Shape(boolean complex, boolean layer, int m, int n, int kk) {
        static Shape parse(String text) {
            int dash = text.indexOf('-');
            String op = dash < 0 ? "" : text.substring(0, dash);
            String[] d = text.substring(dash + 1).split("x");
            if (!(op.equals("gemm") || op.equals("complex") || op.equals("layer")) || d.length != 3) {
                throw new IllegalArgumentException("shape: expected gemm-MxNxKK, layer-MxNxKK or complex-MxNxBATCH,"
                        + " found '" + text + "'");
            }
            Shape s = new Shape(op.equals("complex"), op.equals("layer"), Integer.parseInt(d[0]),
                    Integer.parseInt(d[1]), Integer.parseInt(d[2]));
            if (s.layer() && s.n() % LAYER_K != 0) {
                throw new IllegalArgumentException("shape " + text + ": a layer's N = batch*" + LAYER_K
                        + " columns, found N " + s.n());
            }
            return s;
        }

        /** Elements of the operands: A (or W), B (or Z), C (or Y), and a layer's second output. */
        long[] elements() {
            return complex ? new long[] {2L * m * n, 2L * n * kk, 2L * m * kk, 0}
                    : new long[] {(long) m * kk, (long) kk * n, (long) m * n, layer ? (long) m * n : 0};
        }
    }

    /** 2 m n kk (gemm), 8 m n batch (complex). */
    public static double flops(String shape) {
        Shape t = Shape.parse(shape);
        return (t.complex() ? 8.0 : 2.0) * t.m() * t.n() * t.kk();
    }

    /** Operands read once, outputs written once: (elements of A + B + C, + Z for a layer) x dtype bytes. */
    public static double bytes(String shape, DType dtype) {
        long[] e = Shape.parse(shape).elements();
        return (double) (e[0] + e[1] + e[2] + e[3]) * dtype.bytes();
    }

    @Setup(Level.Trial)
    public void setUp() {
        s = Shape.parse(shape);
        device = Backends.open(backend);
        long[] e = s.elements();
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] x = TwinCheck.gaussian((int) e[0], dtype, rng), y = TwinCheck.gaussian((int) e[1], dtype, rng);
        a = TwinCheck.upload(device, dtype, x);
        b = TwinCheck.upload(device, dtype, y);
        c = device.allocate(dtype, (int) e[2]);
        z = s.layer() ? device.allocate(dtype, (int) e[3]) : null;
        forward();
        double[] got = TwinCheck.download(device, c);

        double[] want, wantZ = null;
        try (Backend twin = Backends.open("cpu")) {
            DeviceBuffer tc = twin.allocate(DType.F64, (int) e[2]);
            DeviceBuffer tz = s.layer() ? twin.allocate(DType.F64, (int) e[3]) : null;
            run(twin, s, TwinCheck.upload(twin, DType.F64, x), TwinCheck.upload(twin, DType.F64, y), tc, tz);
            want = TwinCheck.download(twin, tc);
            if (s.layer()) {
                wantZ = TwinCheck.download(twin, tz);
            }
        }
        String what = String.format(Locale.ROOT, "EquivLinearBench %s %s %s", device.name(), dtype, shape);
        String line = TwinCheck.requireClose(what, want, got, TwinCheck.rtol(dtype, backend));
        if (s.layer()) {
            // z = h(|y|^2) y has |dz| <= |dy| per unit (ALG), so Z's errors are Y's: measured against Y's scale
            // (against Z's own, the units with small |y| would show TF32's absolute error on y as relative error)
            line += "; Z " + TwinCheck.requireClose(what + " Z", wantZ, TwinCheck.download(device, z), want,
                    TwinCheck.rtol(dtype, backend));
        }
        System.out.printf(Locale.ROOT, "# check %s; %.3f GFLOP, %.1f MB per op; %s%n", line, flops(shape) / 1e9,
                bytes(shape, dtype) / 1e6, device.describe());
    }

    private static void run(Backend be, Shape s, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, DeviceBuffer z) {
        EquivLinearOps ops = be.equivLinear();
        if (s.complex()) {
            ops.complexForward(s.m(), s.n(), s.kk(), a, b, 0.0, c);
        } else if (!s.layer()) {
            ops.gemm(false, false, s.m(), s.n(), s.kk(), a, b, 0.0, c);
        } else if (!ops.gemmNormAct(s.m(), s.n(), s.kk(), a, b, c, z, LAYER_ACT, LAYER_K)) {
            ops.gemm(false, false, s.m(), s.n(), s.kk(), a, b, 0.0, c);
            be.normAct().forward(LAYER_ACT, c, z, new UnitShape(s.m(), s.n() / LAYER_K, LAYER_K));
        }
    }

    /** One forward matmul (gemm or complexForward, beta 0; a layer adds its nonlinearity) and a synchronize. */
    @Benchmark
    public void forward() {
        run(device, s, a, b, c, z);
        device.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }
}
