package org.goldstone.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 lane-wise tanh built only from IEEE-exact operations (add, mul, fma, div, integer shifts). The Vector API's
 * own TANH/EXP call a vector math library once the JIT has compiled the caller but a scalar fallback before that,
 * and the two differ in the last bits: a run's results would then depend on JIT timing, and a resumed run would not
 * be bit-identical. This version gives the same bits compiled or not. Accuracy: a few ulps of fp32.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145752f, LN2_LO = 1.42860677e-6f;   // ln 2 split for exact k ln 2
    /** Below this |x| the odd Taylor series of tanh (to x^9) is used: error < 2e-8 absolute there. */
    private static final float SERIES_X = 0.3f;

    private VectorMath() {
    }

    /** e^y for y in [-20, 0]: y = k ln 2 + r, |r| <= ln 2, degree-9 Taylor polynomial of e^r, times 2^k. */
    static FloatVector expNegative(FloatVector y) {
        FloatVector kf = y.mul(LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0).convert(VectorOperators.I2F, 0)
                .reinterpretAsFloats();
        FloatVector r = y.sub(kf.mul(LN2_HI)).sub(kf.mul(LN2_LO));
        FloatVector p = r.mul(1f / 362880f).add(1f / 40320f).mul(r).add(1f / 5040f).mul(r).add(1f / 720f).mul(r)
                .add(1f / 120f).mul(r).add(1f / 24f).mul(r).add(1f / 6f).mul(r).add(0.5f).mul(r).add(1f).mul(r)
                .add(1f);
        IntVector bits = ((IntVector) kf.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** tanh(x) lane-wise. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs().min(9f);                  // tanh(9) rounds to 1 in fp32
        FloatVector e = expNegative(a.mul(-2f));
        FloatVector big = e.neg().add(1f).div(e.add(1f));
        FloatVector a2 = a.mul(a);
        FloatVector series = a2.mul(62f / 2835f).add(-17f / 315f).mul(a2).add(2f / 15f).mul(a2).add(-1f / 3f).mul(a2)
                .add(1f).mul(a);
        FloatVector t = big.blend(series, a.lt(SERIES_X));
        VectorMask<Float> negative = x.lt(0f);
        return t.blend(t.neg(), negative);
    }
}
