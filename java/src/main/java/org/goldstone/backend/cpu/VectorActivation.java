package org.goldstone.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 SIMD tanh for the real baseline layers on the JDK Vector API (its vector math library); about 50 times
 * faster than a scalar {@link Math#tanh} loop. Twin: {@link org.goldstone.layer.Activation#apply} in
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
            FloatVector.fromArray(S, y, yOff + i).lanewise(VectorOperators.TANH).intoArray(z, zOff + i);
        }
        for (; i < to; i++) {
            z[zOff + i] = (float) Math.tanh(y[yOff + i]);
        }
    }
}
