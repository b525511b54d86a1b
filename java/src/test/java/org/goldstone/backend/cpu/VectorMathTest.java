package org.goldstone.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The bit-reproducible SIMD tanh: accuracy against Math.tanh, and the same bits before and after JIT compilation. */
class VectorMathTest {
    private static float[] grid() {
        int l = VectorMath.S.length();
        float[] x = new float[l * 400];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (-12 + 24.0 * i / x.length) * (i % 3 == 0 ? 1e-3f : 1f);
        }
        return x;
    }

    private static float[] run(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += VectorMath.S.length()) {
            VectorMath.tanh(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(out, i);
        }
        return out;
    }

    @Test
    void tanhIsAccurateToEightUlps() {
        assumeTrue(CpuEquivLinear.SIMD, "jdk.incubator.vector not enabled");
        float[] x = grid(), t = run(x);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < x.length; i++) {
            double ref = Math.tanh(x[i]);
            double ulps = Math.abs(t[i] - ref) / Math.ulp((float) ref);
            if (ulps > worst) {
                worst = ulps;
                at = i;
            }
        }
        double w = worst;
        int a = at;
        assertTrue(w <= 8, () -> "tanh(" + x[a] + ") = " + t[a] + " vs " + Math.tanh(x[a]) + ": " + w + " ulps");
    }

    /**
     * The radial-tanh profile and its q-derivatives against the fp64 definitions (RadialProfile) on q in [0, 120]:
     * the second derivative once overflowed fp32 (D^3) above q = 31 and returned values off by a factor 4.
     */
    @Test
    void radialTanhAndItsDerivativesAreAccurate() {
        assumeTrue(CpuEquivLinear.SIMD, "jdk.incubator.vector not enabled");
        int l = VectorMath.S.length();
        float[] q = new float[l * 300];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (120.0 * i / q.length);
        }
        float[] h = new float[q.length], dh = new float[q.length], d2h = new float[q.length];
        for (int i = 0; i < q.length; i += l) {
            FloatVector qv = FloatVector.fromArray(VectorMath.S, q, i);
            FloatVector hv = VectorMath.tanhOverR(qv);
            hv.intoArray(h, i);
            VectorMath.tanhOverRDerivative(qv, hv).intoArray(dh, i);
            VectorMath.tanhOverRSecondDerivative(qv, hv).intoArray(d2h, i);
        }
        org.goldstone.layer.RadialProfile p = org.goldstone.layer.RadialProfile.RTANH;
        for (int i = 0; i < q.length; i++) {
            double[] ref = {p.h(q[i], 0, 0), p.dh(q[i], 0, 0), p.d2h(q[i], 0, 0)};
            float[] got = {h[i], dh[i], d2h[i]};
            for (int d = 0; d < 3; d++) {
                double rel = Math.abs(got[d] - ref[d]) / Math.abs(ref[d]);
                int di = d, ii = i;
                assertTrue(rel < 2e-5, () -> "RTANH derivative " + di + " at q = " + q[ii] + ": " + got[di]
                        + " vs " + ref[di] + " (relative error " + rel + ", expected < 2e-5)");
            }
        }
    }

    @Test
    void sameBitsBeforeAndAfterCompilation() {
        assumeTrue(CpuEquivLinear.SIMD, "jdk.incubator.vector not enabled");
        float[] x = grid();
        float[] first = run(x);                                   // interpreted or C1: the Java fallback paths
        float[] last = first;
        for (int rep = 0; rep < 3000; rep++) {                     // until C2 compiles the intrinsics
            last = run(x);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(last[i]),
                    "tanh(" + x[i] + ") changed bits after warm-up: " + first[i] + " vs " + last[i]);
        }
    }
}
