package org.goldstone.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp64 kernels on host vectors (the bookkeeping of estimators, minimizers and symmetry checks): plain loops, sums
 * with four interleaved partial sums added in a fixed order (deterministic, and four dependency chains instead of
 * one).
 */
public final class HostVectors {
    private HostVectors() {
    }

    public static double dot(double[] x, double[] y) {
        return dot(x, y, 0, x.length);
    }

    /** sum_i x_i y_i over [from, to). */
    public static double dot(double[] x, double[] y, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += x[i] * y[i];
            s1 += x[i + 1] * y[i + 1];
            s2 += x[i + 2] * y[i + 2];
            s3 += x[i + 3] * y[i + 3];
        }
        for (; i < to; i++) {
            s0 += x[i] * y[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Index of the first NaN or infinite entry of x, or -1: a SIMD scan (x - x is 0 exactly when x is finite) up to
     * the first lane group with a non-finite entry, then the index itself.
     */
    public static int firstNonFinite(float[] x) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int i = 0, end = s.loopBound(x.length);
        for (; i < end; i += s.length()) {
            FloatVector v = FloatVector.fromArray(s, x, i);
            if (v.sub(v).compare(VectorOperators.NE, 0f).anyTrue()) {
                break;
            }
        }
        for (; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The Euclidean norm. */
    public static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    /** {@code y += alpha x}. y: modified. */
    public static void axpyInPlace(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** {@code x *= alpha}. x: modified. */
    public static void scaleInPlace(double alpha, double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= alpha;
        }
    }
}
