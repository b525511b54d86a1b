package org.goldstone.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.BackendUnavailableException;
import org.goldstone.backend.Backends;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.tensor.DType;

/**
 * The backend parity harness (STYLE 2.6): every accelerator op is compared with its CPU twin on the same inputs.
 * A parity test is parameterized by {@link #ACCELERATORS}; {@link #backend} skips the case (JUnit assumption,
 * reported as skipped with the reason) when that backend cannot be opened here, so a machine without a GPU never
 * counts a GPU case as passed.
 */
public final class Parity {
    /** The backends parity tests run against the CPU reference. */
    public static final List<String> ACCELERATORS = List.of("cuda", "opencl");
    /** The GEMM providers the equivariant-matmul parity cases also run: the native kernels and cuBLAS. */
    public static final List<String> GEMM_PROVIDERS = List.of("cuda", "cuda+cublas", "opencl");

    private static final Map<String, Backend> OPEN = new HashMap<>();
    private static final Map<String, String> REASONS = new HashMap<>();
    private static final CpuBackend CPU = new CpuBackend(2);

    private Parity() {
    }

    /** Per-dtype tolerance: {@code |got - ref| <= atol + rtol |ref|} element by element. */
    public record Tolerance(double atol, double rtol) {
        public static final Tolerance F64 = new Tolerance(1e-12, 1e-10);
        public static final Tolerance F32 = new Tolerance(1e-5, 2e-4);

        public static Tolerance of(DType dtype) {
            return dtype == DType.F64 ? F64 : F32;
        }

        /** This tolerance with both terms multiplied by {@code factor} (long reductions, chained ops). */
        public Tolerance times(double factor) {
            return new Tolerance(atol * factor, rtol * factor);
        }
    }

    /** The shared CPU reference backend (2 threads). */
    public static Backend cpu() {
        return CPU;
    }

    /** The named backend, opened once per test JVM; skips the calling test when it is unavailable. */
    public static synchronized Backend backend(String name) {
        Backend b = OPEN.get(name);
        if (b != null) {
            return b;
        }
        String reason = REASONS.get(name);
        if (reason == null) {
            try {
                b = Backends.open(name);
                OPEN.put(name, b);
                return b;
            } catch (BackendUnavailableException e) {
                reason = e.getMessage();
                REASONS.put(name, reason);
            }
        }
        assumeTrue(false, name + " unavailable: " + reason);
        throw new AssertionError("unreachable");
    }

    /** A buffer of {@code be} holding {@code values} (converted to {@code dtype}). */
    public static DeviceBuffer upload(Backend be, DType dtype, double[] values) {
        DeviceBuffer b = be.allocate(dtype, values.length);
        be.write(b, values);
        return b;
    }

    public static double[] download(Backend be, DeviceBuffer b) {
        double[] out = new double[b.length()];
        be.read(b, out);
        return out;
    }

    /** Gaussian values rounded to {@code dtype}, so both backends see identical inputs. */
    public static double[] gaussian(int n, double scale, DType dtype, SplittableRandom rng) {
        double[] x = Host.gaussian(n, rng);
        for (int i = 0; i < n; i++) {
            x[i] *= scale;
            if (dtype == DType.F32) {
                x[i] = (float) x[i];
            }
        }
        return x;
    }

    /** Fails with the worst element (index, both values, error, bound) when any element is outside tolerance. */
    public static void assertClose(String what, double[] ref, double[] got, Tolerance tol) {
        if (ref.length != got.length) {
            fail(what + ": expected " + ref.length + " elements, found " + got.length);
        }
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < ref.length; i++) {
            double bound = tol.atol() + tol.rtol() * Math.abs(ref[i]);
            double err = Math.abs(got[i] - ref[i]);
            if (Double.compare(got[i], ref[i]) == 0 || err <= bound) {
                continue;                                   // equal (NaN = NaN, inf = inf) or within tolerance
            }
            double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err - bound;
            if (worst < 0 || excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst >= 0) {
            fail(String.format(Locale.ROOT, "%s: element %d of %d: expected %.17g, found %.17g (|err| %.3g > atol %.1g"
                    + " + rtol %.1g |ref|)", what, worst, ref.length, ref[worst], got[worst],
                    Math.abs(got[worst] - ref[worst]), tol.atol(), tol.rtol()));
        }
    }

    /** Scalar version of {@link #assertClose(String, double[], double[], Tolerance)}. */
    public static void assertClose(String what, double ref, double got, Tolerance tol) {
        assertClose(what, new double[] {ref}, new double[] {got}, tol);
    }
}
