package org.goldstone.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 SIMD tanh for the real baseline layers ({@link VectorMath#tanh}); tens of times faster than a scalar
 * {@link Math#tanh} loop. Twin: {@link org.goldstone.layer.Activation#apply} in
 * {@link CpuPointwise}. Loaded only when the module is present.
 */
final class VectorActivation {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorActivation() {
    }

    /** z[zOff + i] = tanh(y[yOff + i]) for i in [from, to). */
    static void tanh(float[] y, int yOff, float[] z, int zOff, int from, int to) {
        int i = from;
        for (int end = to - S.length(); i <= end; i += S.length()) {
            VectorMath.tanh(FloatVector.fromArray(S, y, yOff + i)).intoArray(z, zOff + i);
        }
        if (i < to) {                                    // tail: the same vector code on a padded copy, same bits
            float[] pad = new float[S.length()];
            System.arraycopy(y, yOff + i, pad, 0, to - i);
            FloatVector t = VectorMath.tanh(FloatVector.fromArray(S, pad, 0));
            t.intoArray(pad, 0);
            System.arraycopy(pad, 0, z, zOff + i, to - i);
        }
    }
}
