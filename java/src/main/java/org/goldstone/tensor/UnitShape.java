package org.goldstone.tensor;

/**
 * Shape of one representation level: {@code channels} units, each a {@code k}-vector (k = 2 for U(1):
 * real and imaginary part), for {@code batch} samples. Layout (SCIENCE a.9): a column-major matrix with
 * {@code channels} rows and {@code batch * k} columns; component a of unit (j, b) is at {@code (b*k + a)*channels + j}.
 */
public record UnitShape(int channels, int batch, int k) {
    public UnitShape {
        if (channels < 1 || batch < 1 || k < 1) {
            throw new IllegalArgumentException("UnitShape: expected channels, batch, k >= 1, found "
                    + channels + "x" + batch + "x" + k);
        }
    }

    /** Number of units, channels * batch. */
    public int units() {
        return channels * batch;
    }

    /** Number of real elements, channels * batch * k. */
    public int elements() {
        return channels * batch * k;
    }

    /** Parses "channels x batch x k", e.g. "256x1024x4". */
    public static UnitShape parse(String text) {
        String[] p = text.toLowerCase(java.util.Locale.ROOT).split("x");
        if (p.length != 3) {
            throw new IllegalArgumentException("UnitShape: expected CHANNELSxBATCHxK, found '" + text + "'");
        }
        return new UnitShape(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()),
                Integer.parseInt(p[2].trim()));
    }
}
