package org.goldstone.conservation;

import java.util.Arrays;

/** A growable list of doubles, one per monitored step. */
final class Series {
    private double[] values = new double[64];
    private int size;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, 2 * size);
        }
        values[size++] = v;
    }

    double get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }

    double[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
