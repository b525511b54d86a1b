package org.goldstone.minimize;

/**
 * The eigen-decomposition of a real symmetric P x P matrix: H = sum_i values[i] vectors[i] vectors[i]^T.
 * Arrays are owned by the record and not copied.
 *
 * @param values the eigenvalues, ascending
 * @param vectors {@code vectors[i]} is the unit eigenvector of {@code values[i]}; the set is orthonormal, also
 *     inside a degenerate cluster (such as the zero modes)
 */
public record Eigen(double[] values, double[][] vectors) {
    public Eigen {
        if (values == null || vectors == null) {
            throw new IllegalArgumentException("values and vectors must be present");
        }
        if (vectors.length != values.length) {
            throw new IllegalArgumentException("vectors: expected " + values.length + ", found " + vectors.length);
        }
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != values.length) {
                throw new IllegalArgumentException("vector " + i + " length: expected " + values.length + ", found "
                        + vectors[i].length);
            }
            if (i > 0 && values[i] < values[i - 1]) {
                throw new IllegalArgumentException("values: expected ascending order, found values[" + (i - 1)
                        + "] = " + values[i - 1] + " > values[" + i + "] = " + values[i]);
            }
        }
    }

    /** P. */
    public int dimension() {
        return values.length;
    }

    /** max_i |values[i]|, the spectral norm (0 for P = 0). */
    public double maxAbs() {
        return values.length == 0 ? 0 : Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1]));
    }

    /** How many eigenvalues have |lambda| &lt; threshold: the zero-mode count at that absolute threshold. */
    public int countAbsBelow(double threshold) {
        int n = 0;
        for (double v : values) {
            if (Math.abs(v) < threshold) {
                n++;
            }
        }
        return n;
    }
}
