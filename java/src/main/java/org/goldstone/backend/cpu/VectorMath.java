package org.goldstone.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 lane-wise tanh from IEEE-exact operations only (add, mul, div, min, max). The Vector API's own TANH/EXP call
 * a vector math library once the JIT has compiled the caller but a scalar fallback before that, and the two
 * differ in the last bits: a run's results would depend on JIT timing and a resumed run would not be bit-identical.
 * These functions give the same bits compiled or not.
 *
 * <p>tanh(x) = x N(x^2) / D(x^2) for |x| <= 9 with the [13/12] Pade approximant, i.e. the twelfth convergent of
 * Lambert's continued fraction tanh x = x / (1 + x^2 / (3 + x^2 / (5 + ...))), expanded into polynomials and
 * normalized by D's leading coefficient; for |x| > 9, tanh rounds to +-1 in fp32. Max error 7 ulps of fp32
 * (about 4e-7) on [0, 9], most of it the rounding of the Horner steps near |x| = 8. The radial-tanh profile
 * uses the same rational as h(q) = tanh(r)/r = N(q)/D(q), which needs no square root and has no 0/0 at q = 0.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Coefficients of N and D in t = x^2, lowest degree first. */
    private static final float[] N = {86877511875.0f, 12742035075.0f, 453273975.0f, 5755860.0f, 28050.0f, 45.0f,
        0.01098901098901099f};
    private static final float[] D = {86877511875.0f, 41701205700.0f, 2770007625.0f, 57558600.0f, 454410.0f, 1320.0f,
        1.0f};
    private static final float[] DN = derivative(N), DD = derivative(D);
    private static final float[] DDN = derivative(DN), DDD = derivative(DD);
    /** Beyond x = 9 (q = 81) tanh is 1 in fp32. */
    private static final float X_MAX = 9f, Q_MAX = 81f;

    private VectorMath() {
    }

    private static float[] derivative(float[] c) {
        float[] d = new float[c.length - 1];
        for (int i = 1; i < c.length; i++) {
            d[i - 1] = i * c[i];
        }
        return d;
    }

    private static FloatVector horner(float[] c, FloatVector t) {
        FloatVector acc = FloatVector.broadcast(S, c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) {
            acc = acc.mul(t).add(c[i]);
        }
        return acc;
    }

    /** tanh(x) lane-wise. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.max(-X_MAX).min(X_MAX);
        FloatVector t = a.mul(a);
        return a.mul(horner(N, t)).div(horner(D, t));
    }

    /**
     * The radial-tanh profile h(q) = tanh(sqrt q) / sqrt q: N(q)/D(q) for q <= 81, and tanh(9)/sqrt(q) beyond,
     * written as N(t)/D(t) min(1, 9/sqrt q) with t = min(q, 81) (9/sqrt 0 = +inf, so q = 0 gives h = 1).
     */
    static FloatVector tanhOverR(FloatVector q) {
        FloatVector t = q.min(Q_MAX);
        FloatVector tail = FloatVector.broadcast(S, X_MAX).div(q.sqrt()).min(1f);
        return horner(N, t).div(horner(D, t)).mul(tail);
    }

    /**
     * h'(q) of {@link #tanhOverR}: (N' D - N D') / D^2 below q = 81 (the exact derivative of the same rational, so
     * gradients match the forward pass), -h / (2q) beyond.
     */
    static FloatVector tanhOverRDerivative(FloatVector q, FloatVector h) {
        FloatVector t = q.min(Q_MAX);
        FloatVector n = horner(N, t), d = horner(D, t);
        FloatVector inner = horner(DN, t).mul(d).sub(n.mul(horner(DD, t))).div(d.mul(d));
        FloatVector outer = h.div(q.mul(-2f));
        return inner.blend(outer, q.compare(VectorOperators.GT, Q_MAX));
    }

    /**
     * h''(q) of {@link #tanhOverR}: the second derivative of the same rational N/D below q = 81,
     * (N'' D - N D'') / D^2 - 2 (D'/D) (N' D - N D') / D^2; beyond, h = c q^{-1/2} gives 3 h / (4 q^2).
     * Relative error below 3e-6 on [0, 81].
     */
    static FloatVector tanhOverRSecondDerivative(FloatVector q, FloatVector h) {
        FloatVector t = q.min(Q_MAX);
        FloatVector n = horner(N, t), d = horner(D, t), dn = horner(DN, t), dd = horner(DD, t);
        // divide by D^2 before multiplying by D'/D: D^3 overflows fp32 above q = 31 (D(81)^3 ~ 1e39)
        FloatVector d2 = d.mul(d);
        FloatVector first = dn.mul(d).sub(n.mul(dd)).div(d2);            // (N' D - N D') / D^2 = h'
        FloatVector inner = horner(DDN, t).mul(d).sub(n.mul(horner(DDD, t))).div(d2)
                .sub(dd.div(d).mul(first).mul(2f));
        FloatVector outer = h.mul(0.75f).div(q.mul(q));
        return inner.blend(outer, q.compare(VectorOperators.GT, Q_MAX));
    }
}
