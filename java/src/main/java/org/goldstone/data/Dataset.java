package org.goldstone.data;

import java.util.Arrays;

/**
 * A labelled classification data set in host memory: {@code size()} samples of {@code features} (d) floats each,
 * sample i at {@code x[i*d .. i*d + d - 1]}, with labels in {@code 0 .. classes-1}.
 *
 * <p>The constructor takes ownership of {@code x} and {@code labels} (no copy, so a 47 MB image set is not
 * duplicated); callers must not modify them afterwards, and {@link #x()} / {@link #labels()} return the backing
 * arrays for reading only.
 */
public final class Dataset {
    private final String name;
    private final int features;
    private final int classes;
    private final float[] x;
    private final int[] labels;

    /** Validates lengths, label range and finiteness of every x; throws {@link DataException} on the first fault. */
    public Dataset(String name, int features, int classes, float[] x, int[] labels) {
        if (name == null || name.isBlank()) {
            throw new DataException("Dataset: expected a non-blank name, found "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        if (features < 1 || classes < 1) {
            throw new DataException("dataset '" + name + "': expected features >= 1 and classes >= 1, found features="
                    + features + " classes=" + classes);
        }
        if (x == null || labels == null) {
            throw new DataException("dataset '" + name + "': expected non-null x and labels, found x=" + x
                    + " labels=" + labels);
        }
        if ((long) labels.length * features != x.length) {
            throw new DataException("dataset '" + name + "': expected x.length = labels.length * features = "
                    + labels.length + " * " + features + " = " + (long) labels.length * features + ", found "
                    + x.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new DataException("dataset '" + name + "': label of sample " + i + ": expected 0.."
                        + (classes - 1) + ", found " + labels[i]);
            }
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new DataException("dataset '" + name + "': x of sample " + i / features + ", feature "
                        + i % features + ": expected finite, found " + x[i]);
            }
        }
        this.name = name;
        this.features = features;
        this.classes = classes;
        this.x = x;
        this.labels = labels;
    }

    public String name() {
        return name;
    }

    /** d, the number of floats per sample. */
    public int features() {
        return features;
    }

    public int classes() {
        return classes;
    }

    /** The backing inputs, {@code size() * features()} floats; read only. */
    public float[] x() {
        return x;
    }

    /** The backing labels, {@code size()} ints in 0..classes-1; read only. */
    public int[] labels() {
        return labels;
    }

    /** Number of samples. */
    public int size() {
        return labels.length;
    }

    /** A copy of samples {@code from .. to-1}, named {@code name[from:to]}. */
    public Dataset subset(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new DataException("dataset '" + name + "': subset: expected 0 <= from <= to <= " + size()
                    + ", found from=" + from + " to=" + to);
        }
        return new Dataset(name + "[" + from + ":" + to + "]", features, classes,
                Arrays.copyOfRange(x, from * features, to * features), Arrays.copyOfRange(labels, from, to));
    }

    /** How many samples carry each label; length {@code classes()}. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * Copies samples {@code indices[from..to)} contiguously: row r = 0..to-from-1 goes to
     * {@code xOut[r*d .. r*d + d - 1]} and its label, as a double, to {@code labelsOut[r]}.
     * Reads {@code indices}; modifies {@code xOut} and {@code labelsOut} (which may be longer than needed).
     */
    public void gather(int[] indices, int from, int to, float[] xOut, double[] labelsOut) {
        if (from < 0 || to > indices.length || from > to) {
            throw new DataException("dataset '" + name + "': gather: expected 0 <= from <= to <= indices.length = "
                    + indices.length + ", found from=" + from + " to=" + to);
        }
        int rows = to - from;
        if ((long) rows * features > xOut.length || rows > labelsOut.length) {
            throw new DataException("dataset '" + name + "': gather: expected xOut.length >= " + (long) rows * features
                    + " and labelsOut.length >= " + rows + ", found " + xOut.length + " and " + labelsOut.length);
        }
        int n = labels.length;
        int d = features;
        for (int r = 0; r < rows; r++) {
            int i = indices[from + r];
            if (i < 0 || i >= n) {
                throw new DataException("dataset '" + name + "': gather: indices[" + (from + r) + "]: expected 0.."
                        + (n - 1) + ", found " + i);
            }
            System.arraycopy(x, i * d, xOut, r * d, d);
            labelsOut[r] = labels[i];
        }
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ": " + size() + " x " + features + ", " + classes + " classes]";
    }
}
