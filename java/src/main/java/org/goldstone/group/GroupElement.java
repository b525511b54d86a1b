package org.goldstone.group;

import java.util.Arrays;

/**
 * One group element as the real k x k matrix it applies to every unit: a rotation by alpha for U(1), an
 * orthogonal matrix for O(k). {@link #actInPlace} applies it to activations in the unit layout.
 */
public final class GroupElement {
    private final double[][] r;
    private final String text;

    private GroupElement(double[][] r, String text) {
        this.r = r;
        this.text = text;
    }

    /** e^{i alpha} acting on (Re, Im). */
    public static GroupElement phase(double alpha) {
        double c = Math.cos(alpha), s = Math.sin(alpha);
        return new GroupElement(new double[][] {{c, -s}, {s, c}}, "exp(i " + alpha + ")");
    }

    /** An orthogonal matrix (rows are copied). */
    public static GroupElement matrix(double[][] r) {
        double[][] copy = new double[r.length][];
        for (int i = 0; i < r.length; i++) {
            copy[i] = r[i].clone();
        }
        return new GroupElement(copy, Arrays.deepToString(copy));
    }

    public int dim() {
        return r.length;
    }

    /** Entry (i, j) of the representing matrix. */
    public double entry(int i, int j) {
        return r[i][j];
    }

    /**
     * Applies the element to every unit of {@code x}, laid out with {@code channels} rows and {@code cols = batch*k}
     * columns: unit (j, b) has components x[(b*k + a)*channels + j]. x: modified.
     */
    public void actInPlace(double[] x, int channels, int batch) {
        int k = r.length;
        double[] v = new double[k];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < channels; j++) {
                for (int a = 0; a < k; a++) {
                    v[a] = x[(b * k + a) * channels + j];
                }
                for (int a = 0; a < k; a++) {
                    double s = 0;
                    for (int c = 0; c < k; c++) {
                        s += r[a][c] * v[c];
                    }
                    x[(b * k + a) * channels + j] = s;
                }
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
