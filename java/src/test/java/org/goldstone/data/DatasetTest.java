package org.goldstone.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetTest {
    /** 4 samples, d = 3, sample i = (10i, 10i+1, 10i+2), label i % 2. */
    private static Dataset small() {
        float[] x = new float[12];
        int[] labels = new int[4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = 10 * i + j;
            }
            labels[i] = i % 2;
        }
        return new Dataset("small", 3, 2, x, labels);
    }

    private static void assertMessage(DataException e, String... parts) {
        String m = e.getMessage();
        assertTrue(m.contains("expected") && m.contains("found") && !m.contains("\n"), m);
        for (String part : parts) {
            assertTrue(m.contains(part), () -> "message lacks '" + part + "': " + m);
        }
    }

    @Test
    void accessors() {
        Dataset s = small();
        assertEquals(4, s.size());
        assertEquals(3, s.features());
        assertEquals(2, s.classes());
        assertArrayEquals(new int[] {2, 2}, s.classCounts());
    }

    @Test
    void rejectsLengthMismatch() {
        DataException e = assertThrows(DataException.class,
                () -> new Dataset("bad", 3, 2, new float[10], new int[4]));
        assertMessage(e, "'bad'", "12", "found 10");
    }

    @Test
    void rejectsLabelOutOfRange() {
        DataException e = assertThrows(DataException.class,
                () -> new Dataset("bad", 1, 3, new float[2], new int[] {0, 3}));
        assertMessage(e, "sample 1", "0..2", "found 3");
        assertThrows(DataException.class, () -> new Dataset("neg", 1, 3, new float[1], new int[] {-1}));
    }

    @Test
    void rejectsNonFinite() {
        float[] x = {0, 1, Float.NaN, 3};
        DataException e = assertThrows(DataException.class, () -> new Dataset("nan", 2, 2, x, new int[2]));
        assertMessage(e, "sample 1, feature 0", "finite", "NaN");
        float[] y = {Float.POSITIVE_INFINITY};
        assertThrows(DataException.class, () -> new Dataset("inf", 1, 1, y, new int[1]));
    }

    @Test
    void rejectsBadShape() {
        assertThrows(DataException.class, () -> new Dataset("d0", 0, 2, new float[0], new int[0]));
        assertThrows(DataException.class, () -> new Dataset(" ", 1, 2, new float[0], new int[0]));
    }

    @Test
    void subsetCopies() {
        Dataset s = small();
        Dataset sub = s.subset(1, 3);
        assertEquals(2, sub.size());
        assertArrayEquals(new float[] {10, 11, 12, 20, 21, 22}, sub.x());
        assertArrayEquals(new int[] {1, 0}, sub.labels());
        assertEquals("small[1:3]", sub.name());
        sub.x()[0] = -1;
        assertEquals(10f, s.x()[3]);
        assertMessage(assertThrows(DataException.class, () -> s.subset(3, 5)), "to <= 4", "to=5");
    }

    @Test
    void gatherWritesRowsContiguously() {
        Dataset s = small();
        int[] indices = {3, 0, 2, 1};
        float[] x = new float[7];                  // longer than needed: the tail is untouched
        double[] labels = new double[3];
        x[6] = 99;
        s.gather(indices, 1, 3, x, labels);
        assertArrayEquals(new float[] {0, 1, 2, 20, 21, 22, 99}, x);
        assertArrayEquals(new double[] {0, 0, 0}, labels);
        s.gather(indices, 0, 1, x, labels);
        assertArrayEquals(new float[] {30, 31, 32}, java.util.Arrays.copyOf(x, 3));
        assertEquals(1.0, labels[0]);
    }

    @Test
    void gatherValidates() {
        Dataset s = small();
        assertMessage(assertThrows(DataException.class,
                () -> s.gather(new int[] {0, 4}, 0, 2, new float[6], new double[2])), "indices[1]", "0..3", "found 4");
        assertMessage(assertThrows(DataException.class,
                () -> s.gather(new int[] {0, 1}, 0, 2, new float[5], new double[2])), "xOut.length >= 6", "found 5");
        assertMessage(assertThrows(DataException.class,
                () -> s.gather(new int[] {0, 1}, 1, 3, new float[6], new double[2])), "found from=1 to=3");
    }
}
