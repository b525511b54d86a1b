package org.goldstone.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.Backends;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * The pre-timing answer check of the op-family benchmarks (STYLE 2.7): fixed-seed inputs, host/device copies, and
 * the comparison of a backend's result with its CPU twin's. The reference is always the twin run in fp64 on the
 * same dtype-rounded inputs (what a kernel computes up to its own rounding; the fp32 twin itself is not the
 * reference, since for ALG and RTANH it runs the fp32 SIMD approximation). A failed check throws
 * {@link IllegalStateException}, which fails the JMH trial before any iteration is timed.
 */
final class TwinCheck {
    /**
     * Tolerance for an fp32 result against the fp64 twin, normwise and worst-element (see {@link #requireClose}):
     * fp32 rounding of the output (6e-8) plus the sqrt(depth) growth of a sum of up to 1024 fp32 products (~2e-6),
     * with room to spare.
     */
    static final double F32_RTOL = 1e-4;
    /** Tolerance for an fp64 result: a different summation order only. */
    static final double F64_RTOL = 1e-10;

    private TwinCheck() {
    }

    static double rtol(DType dtype) {
        return dtype == DType.F64 ? F64_RTOL : F32_RTOL;
    }

    /**
     * As {@link #rtol(DType)} for a backend: fp32 GEMMs of a TF32 provider ("+tf32", "+cublas-tf32") round their
     * inputs to 10 mantissa bits, so their bound is {@link #TF32_RTOL}; a provider with coarser inputs gets
     * {@link #TF32_RTOL} times its unit roundoff over TF32's, 8 times for bf16 ("+cublas-bf16", 2^-8 / 2^-11).
     */
    static double rtol(DType dtype, String backend) {
        double u = Backends.gemmInputRounding(backend);
        return dtype == DType.F32 && u > Backends.FP32_ROUNDING ? TF32_RTOL * (u / Backends.TF32_ROUNDING)
                : rtol(dtype);
    }

    /** Relative bound (normwise and max-element) for fp32 GEMMs with TF32 inputs: 2^-11 per input, sums of N(0,1). */
    static final double TF32_RTOL = 5e-3;

    /** N(0, 1) values rounded to {@code dtype}, so the backend and the fp64 twin see identical inputs. */
    static double[] gaussian(int n, DType dtype, SplittableRandom rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();     // Box-Muller; u1 in (0, 1]
            double v = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
            x[i] = dtype == DType.F32 ? (float) v : v;
        }
        return x;
    }

    /** A buffer of {@code be} holding {@code values} converted to {@code dtype}. */
    static DeviceBuffer upload(Backend be, DType dtype, double[] values) {
        DeviceBuffer b = be.allocate(dtype, values.length);
        be.write(b, values);
        return b;
    }

    static double[] download(Backend be, DeviceBuffer b) {
        double[] out = new double[b.length()];
        be.read(b, out);
        return out;
    }

    /**
     * Requires {@code |got - ref|_2 <= rtol |ref|_2} and {@code max_i |got_i - ref_i| <= rtol max_i |ref_i|}: the
     * first bounds the error as a whole, the second catches one wrong tile or column that the norm would dilute.
     * Returns the two errors as one line for the log; throws with the worst element otherwise.
     */
    static String requireClose(String what, double[] ref, double[] got, double rtol) {
        return requireClose(what, ref, got, ref, rtol);
    }

    /**
     * As {@link #requireClose(String, double[], double[], double)}, with the errors measured against the norms of
     * {@code scale} instead of those of {@code ref}: for a map with Jacobian norm at most 1 applied after the checked
     * computation (the norm nonlinearity after a GEMM: |dz| <= |dy| per unit), whose output errors are those of its
     * input, {@code scale} is that input.
     */
    static String requireClose(String what, double[] ref, double[] got, double[] scale, double rtol) {
        if (ref.length != got.length || scale.length != ref.length) {
            throw new IllegalStateException(what + ": expected " + ref.length + " elements, found " + got.length
                    + " (scale " + scale.length + ")");
        }
        double diff = 0, norm = 0, maxRef = 0, maxErr = -1;
        int worst = -1;
        for (int i = 0; i < ref.length; i++) {
            double e = Math.abs(got[i] - ref[i]);
            diff += e * e;
            norm += scale[i] * scale[i];
            maxRef = Math.max(maxRef, Math.abs(scale[i]));
            if (!(e <= maxErr)) {                                 // a NaN error is the worst there is
                maxErr = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                worst = i;
            }
        }
        double normErr = Math.sqrt(diff / norm), elemErr = maxErr / maxRef;
        if (!(normErr <= rtol) || !(elemErr <= rtol)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: result differs from the CPU twin:"
                    + " |err|/|ref| = %.3g, max|err|/max|ref| = %.3g (tolerance %.0e); worst element %d of %d:"
                    + " expected %.9g, found %.9g", what, normErr, elemErr, rtol, worst, ref.length, ref[worst],
                    got[worst]));
        }
        return String.format(Locale.ROOT, "%s: |err|/|ref| %.2e, max|err|/max|ref| %.2e (tol %.0e)", what, normErr,
                elemErr, rtol);
    }

    /**
     * Requires {@code |got - ref| <= rtol * scale} for a scalar, {@code scale} the sum of the magnitudes of its
     * terms (a dot of N(0, 1) vectors is ~sqrt(n), its rounding ~ eps times sum |x_i y_i|).
     */
    static String requireClose(String what, double ref, double got, double scale, double rtol) {
        double err = Math.abs(got - ref) / scale;
        if (!(err <= rtol)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: result differs from the CPU twin:"
                    + " expected %.17g, found %.17g, |err| / sum|terms| = %.3g > %.0e", what, ref, got, err, rtol));
        }
        return String.format(Locale.ROOT, "%s: %.12g vs twin %.12g, |err|/sum|terms| %.2e (tol %.0e)", what, got,
                ref, err, rtol);
    }
}
