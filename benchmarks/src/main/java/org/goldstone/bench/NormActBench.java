package org.goldstone.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.goldstone.backend.Backend;
import org.goldstone.backend.Backends;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.NormActOps;
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
 * The norm_act family ({@link NormActOps}): the norm nonlinearity {@code z = h(q) y}, {@code q = |y|^2} per unit, of
 * {@code Radial.of(profile)} on {@link #units} ({@code CHANNELSxBATCHxK}, {@link UnitShape#parse}; not called
 * "shape", so that one {@code -p shape=...} restricts {@link EquivLinearBench} without touching this class):
 * {@code 128x256x4} is a layer of {@link TrainStepBench}'s O(4) net, {@code 1024x1024x4} a large one (4M elements).
 * Timed, each op plus {@code synchronize()}:
 * <ul>
 *   <li>{@link #forward}: {@code forward(radial, y, z)};</li>
 *   <li>{@link #backwardAndRop}: {@code backwardAndRop(radial, y, R{y}, G_z, R{G_z}, G_y, R{G_y})}, the fused
 *       backward and R-backward of the Hessian-vector product.</li>
 * </ul>
 * Before timing, setup runs both ops once on fixed-seed N(0, 1) inputs (|y|^2 ~ k: the main branch of every
 * profile, not the RTANH series) and compares the three outputs with the CPU twin in fp64 on the same inputs
 * ({@link TwinCheck#requireClose}); a mismatch fails the trial.
 *
 * <p>The ops are memory-bound (a few dozen flops per unit, a square root or tanh among them), so the rate reported
 * is bandwidth: {@link #bytes} = (elements read + elements written) x dtype bytes, elements = channels x batch x k:
 * forward reads y and writes z (2 x elements); backwardAndRop reads y, R{y}, G_z, R{G_z} and writes G_y, R{G_y}
 * (6 x elements). GB/s = bytes / (us x 1e3). There is no flops(): a transcendental has no agreed flop count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class NormActBench {
    static final long SEED = 20240612L;

    /** Backend name as {@code Backends.open} takes it: cpu, cuda, opencl. */
    @Param("cpu") public String backend;
    @Param("F32") public DType dtype;
    @Param({"ALG", "RTANH"}) public RadialProfile profile;
    /** channels x batch x k. */
    @Param({"128x256x4", "1024x1024x4"}) public String units;

    private Backend device;
    private NormActOps ops;
    private Radial radial;
    private UnitShape s;
    private DeviceBuffer y, ry, gz, rgz, z, gy, rgy;

    /** Elements read plus written, times dtype bytes: 2 x elements for "forward", 6 x for "backwardAndRop". */
    public static double bytes(String op, String units, DType dtype) {
        int touched;
        switch (op) {
            case "forward": touched = 2; break;
            case "backwardAndRop": touched = 6; break;
            default: throw new IllegalArgumentException("op: expected forward or backwardAndRop, found '" + op + "'");
        }
        return (double) touched * UnitShape.parse(units).elements() * dtype.bytes();
    }

    @Setup(Level.Trial)
    public void setUp() {
        s = UnitShape.parse(units);
        radial = Radial.of(profile);
        device = Backends.open(backend);
        ops = device.normAct();
        int n = s.elements();
        SplittableRandom rng = new SplittableRandom(SEED);
        double[][] in = new double[4][];
        for (int i = 0; i < in.length; i++) {
            in[i] = TwinCheck.gaussian(n, dtype, rng);
        }
        y = TwinCheck.upload(device, dtype, in[0]);
        ry = TwinCheck.upload(device, dtype, in[1]);
        gz = TwinCheck.upload(device, dtype, in[2]);
        rgz = TwinCheck.upload(device, dtype, in[3]);
        z = device.allocate(dtype, n);
        gy = device.allocate(dtype, n);
        rgy = device.allocate(dtype, n);
        forward();
        backwardAndRop();
        double[][] got = {TwinCheck.download(device, z), TwinCheck.download(device, gy),
            TwinCheck.download(device, rgy)};

        double[][] want = new double[3][];
        try (Backend twin = Backends.open("cpu")) {
            DeviceBuffer[] t = new DeviceBuffer[4];
            for (int i = 0; i < t.length; i++) {
                t[i] = TwinCheck.upload(twin, DType.F64, in[i]);
            }
            DeviceBuffer tz = twin.allocate(DType.F64, n), tgy = twin.allocate(DType.F64, n);
            DeviceBuffer trgy = twin.allocate(DType.F64, n);
            twin.normAct().forward(radial, t[0], tz, s);
            twin.normAct().backwardAndRop(radial, t[0], t[1], t[2], t[3], tgy, trgy, s);
            want[0] = TwinCheck.download(twin, tz);
            want[1] = TwinCheck.download(twin, tgy);
            want[2] = TwinCheck.download(twin, trgy);
        }
        String[] outputs = {"z", "G_y", "R{G_y}"};
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < outputs.length; i++) {
            line.append(i == 0 ? "" : "; ").append(TwinCheck.requireClose(String.format(Locale.ROOT,
                    "NormActBench %s %s %s %s %s", device.name(), dtype, profile, units, outputs[i]), want[i], got[i],
                    TwinCheck.rtol(dtype)));
        }
        System.out.printf(Locale.ROOT, "# check %s; %s%n", line, device.describe());
    }

    /** z = h(q) y, and a device synchronize. */
    @Benchmark
    public void forward() {
        ops.forward(radial, y, z, s);
        device.synchronize();
    }

    /** G_y = J G_z and R{G_y} = J R{G_z} + (D_{R{y}} J) G_z in one pass, and a device synchronize. */
    @Benchmark
    public void backwardAndRop() {
        ops.backwardAndRop(radial, y, ry, gz, rgz, gy, rgy, s);
        device.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }
}
