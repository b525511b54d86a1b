package org.goldstone.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.goldstone.backend.Backend;
import org.goldstone.backend.Backends;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LanczosOps;
import org.goldstone.backend.ReduceOps;
import org.goldstone.tensor.DType;
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
 * The reduce family ({@link ReduceOps}) and the Lanczos reorthogonalization ({@link LanczosOps}) over a flat vector of
 * {@code length} = 3 480 330 elements, the parameter count P of {@link TrainStepBench}'s depth-100 width-128 U(1)
 * net (100 x 2 x 128^2 + 784 x 256 + 256 + 256 x 10 + 10). Timed, each op plus {@code synchronize()}:
 * <ul>
 *   <li>{@link #dot} {@code x . y}, {@link #sumSquares} {@code |x|^2} and {@link #axpyInPlace}
 *       {@code y += alpha x} (alpha = 1e-3; y drifts by alpha x per call, which changes no timing), in the
 *       {@link Vectors#dtype} of the state {@link Vectors};</li>
 *   <li>{@link #orthogonalizePass}: one classical Gram-Schmidt pass of w against {@code count} = 20 basis vectors of
 *       that length, fp64 (the state {@link Basis}; 560 MB of basis). The basis is N(0, 1/P) columns, orthonormal
 *       to about 1/sqrt(P) = 5e-4, which the op does not need; w changes on every call (it is projected again),
 *       the work does not.</li>
 * </ul>
 * Before timing, setup runs each op once on fixed-seed N(0, 1) inputs and compares it with the CPU twin in fp64 on
 * the same inputs ({@link TwinCheck#requireClose}): scalars to 1e-10 of the sum of their terms' magnitudes (every
 * implementation accumulates in double), vectors as in {@link TwinCheck}; a mismatch fails the trial.
 *
 * <p>All are memory-bound; {@link #bytes} counts the compulsory traffic, n = length, b = dtype bytes: dot 2 n b,
 * sumSquares n b, axpyInPlace 3 n b (x, y read, y written), orthogonalizePass 8 (2 count + 3) n (the basis read
 * twice, for c = Q^T w and for w -= Q c, w read twice and written once; the count coefficients are negligible).
 * {@link #flops}: dot, sumSquares and axpyInPlace 2 n, orthogonalizePass (4 count + 2) n. GB/s = bytes / (us x 1e3).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ReduceBench {
    static final long SEED = 20240613L;
    static final double ALPHA = 1e-3;
    /** Scalars (sums accumulated in double) against the twin, relative to the sum of the terms' magnitudes. */
    static final double SUM_RTOL = 1e-10;

    /** Compulsory traffic of one op ("dot", "sumSquares", "axpyInPlace", "orthogonalizePass"; count: basis size). */
    public static double bytes(String op, int length, DType dtype, int count) {
        double n = length;
        switch (op) {
            case "dot": return 2 * n * dtype.bytes();
            case "sumSquares": return n * dtype.bytes();
            case "axpyInPlace": return 3 * n * dtype.bytes();
            case "orthogonalizePass": return (2.0 * count + 3) * n * DType.F64.bytes();
            default: throw new IllegalArgumentException("op: expected dot, sumSquares, axpyInPlace or"
                    + " orthogonalizePass, found '" + op + "'");
        }
    }

    /** Floating-point operations of one op: 2 n for dot, sumSquares, axpyInPlace; (4 count + 2) n for the pass. */
    public static double flops(String op, int length, int count) {
        bytes(op, length, DType.F64, count);                        // validates op
        return op.equals("orthogonalizePass") ? (4.0 * count + 2) * length : 2.0 * length;
    }

    /** Two vectors x, y of {@code length} elements of {@code dtype}. */
    @State(Scope.Benchmark)
    public static class Vectors {
        /** Backend name as {@code Backends.open} takes it: cpu, cuda, opencl. */
        @Param("cpu") public String backend;
        @Param({"F32", "F64"}) public DType dtype;
        @Param("3480330") public int length;

        Backend device;
        ReduceOps ops;
        DeviceBuffer x, y;

        @Setup(Level.Trial)
        public void setUp() {
            device = Backends.open(backend);
            ops = device.reduce();
            SplittableRandom rng = new SplittableRandom(SEED);
            double[] hx = TwinCheck.gaussian(length, dtype, rng), hy = TwinCheck.gaussian(length, dtype, rng);
            x = TwinCheck.upload(device, dtype, hx);
            y = TwinCheck.upload(device, dtype, hy);
            double dot = ops.dot(x, y), sq = ops.sumSquares(x);
            ops.axpyInPlace(ALPHA, x, y);
            double[] axpy = TwinCheck.download(device, y);

            double[] want;
            double wantDot, wantSq;
            try (Backend twin = Backends.open("cpu")) {
                DeviceBuffer tx = TwinCheck.upload(twin, DType.F64, hx), ty = TwinCheck.upload(twin, DType.F64, hy);
                wantDot = twin.reduce().dot(tx, ty);
                wantSq = twin.reduce().sumSquares(tx);
                twin.reduce().axpyInPlace(ALPHA, tx, ty);
                want = TwinCheck.download(twin, ty);
            }
            if (dtype == DType.F32) {
                for (int i = 0; i < want.length; i++) {
                    want[i] = (float) want[i];                      // the one rounding of the fp32 store
                }
            }
            double dotScale = 0;
            for (int i = 0; i < length; i++) {
                dotScale += Math.abs(hx[i] * hy[i]);
            }
            String what = String.format(Locale.ROOT, "ReduceBench %s %s n=%d ", device.name(), dtype, length);
            System.out.printf(Locale.ROOT, "# check %s; %s; %s; %s%n",
                    TwinCheck.requireClose(what + "dot", wantDot, dot, dotScale, SUM_RTOL),
                    TwinCheck.requireClose(what + "sumSquares", wantSq, sq, wantSq, SUM_RTOL),
                    TwinCheck.requireClose(what + "axpyInPlace", want, axpy, TwinCheck.rtol(dtype)),
                    device.describe());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            device.close();
        }
    }

    /** A basis of {@code count} fp64 columns of {@code length}, a vector w and the coefficients c. */
    @State(Scope.Benchmark)
    public static class Basis {
        /** Backend name as {@code Backends.open} takes it: cpu, cuda, opencl. */
        @Param("cpu") public String backend;
        @Param("3480330") public int length;
        @Param("20") public int count;

        Backend device;
        LanczosOps ops;
        DeviceBuffer q, w, c;

        @Setup(Level.Trial)
        public void setUp() {
            device = Backends.open(backend);
            ops = device.lanczos();
            try (Backend twin = Backends.open("cpu")) {
                q = device.allocate(DType.F64, length * count);
                DeviceBuffer tq = twin.allocate(DType.F64, length * count);
                SplittableRandom rng = new SplittableRandom(SEED);
                double scale = 1.0 / Math.sqrt(length);
                for (int k = 0; k < count; k++) {                   // column by column: 28 MB of host array at a time
                    double[] col = TwinCheck.gaussian(length, DType.F64, rng);
                    for (int i = 0; i < length; i++) {
                        col[i] *= scale;
                    }
                    device.write(q.slice(k * length, length), col);
                    twin.write(tq.slice(k * length, length), col);
                }
                double[] hw = TwinCheck.gaussian(length, DType.F64, rng);
                w = TwinCheck.upload(device, DType.F64, hw);
                c = device.allocate(DType.F64, count);
                double sq = ops.orthogonalizePass(q, length, count, w, c);
                device.synchronize();
                double[] gotW = TwinCheck.download(device, w), gotC = TwinCheck.download(device, c);

                DeviceBuffer tw = TwinCheck.upload(twin, DType.F64, hw), tc = twin.allocate(DType.F64, count);
                double wantSq = twin.lanczos().orthogonalizePass(tq, length, count, tw, tc);
                String what = String.format(Locale.ROOT, "ReduceBench %s F64 orthogonalizePass n=%d count=%d ",
                        device.name(), length, count);
                System.out.printf(Locale.ROOT, "# check %s; %s; %s; %s%n",
                        TwinCheck.requireClose(what + "c", TwinCheck.download(twin, tc), gotC, TwinCheck.F64_RTOL),
                        TwinCheck.requireClose(what + "w", TwinCheck.download(twin, tw), gotW, TwinCheck.F64_RTOL),
                        TwinCheck.requireClose(what + "|w|^2", wantSq, sq, wantSq, SUM_RTOL), device.describe());
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            device.close();
        }
    }

    /** x . y and a device synchronize. */
    @Benchmark
    public double dot(Vectors v) {
        double d = v.ops.dot(v.x, v.y);
        v.device.synchronize();
        return d;
    }

    /** |x|^2 and a device synchronize. */
    @Benchmark
    public double sumSquares(Vectors v) {
        double d = v.ops.sumSquares(v.x);
        v.device.synchronize();
        return d;
    }

    /** y += 1e-3 x and a device synchronize. */
    @Benchmark
    public void axpyInPlace(Vectors v) {
        v.ops.axpyInPlace(ALPHA, v.x, v.y);
        v.device.synchronize();
    }

    /** c = Q^T w, w -= Q c, |w|^2 (fp64, count columns) and a device synchronize. */
    @Benchmark
    public double orthogonalizePass(Basis b) {
        double sq = b.ops.orthogonalizePass(b.q, b.length, b.count, b.w, b.c);
        b.device.synchronize();
        return sq;
    }
}
