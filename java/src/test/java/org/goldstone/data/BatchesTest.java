package org.goldstone.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final int[] SIZES = {0, 1, 2, 37, 1000};

    @Test
    void permutationIsAPermutation() {
        for (int n : SIZES) {
            for (int epoch = 0; epoch < 3; epoch++) {
                int[] p = Batches.permutation(n, 42, epoch);
                boolean[] seen = new boolean[n];
                for (int i = 0; i < n; i++) {
                    int v = p[i];
                    assertTrue(v >= 0 && v < n && !seen[v], "n=" + n + " epoch=" + epoch + ": p[" + i + "]=" + v);
                    seen[v] = true;
                }
            }
        }
    }

    @Test
    void permutationDependsOnlyOnSeedAndEpoch() {
        int[] a = Batches.permutation(1000, 7, 5);
        Batches.permutation(1000, 7, 4);           // no hidden state between calls
        assertArrayEquals(a, Batches.permutation(1000, 7, 5));
    }

    @Test
    void permutationDiffersAcrossEpochsAndSeeds() {
        int[] base = Batches.permutation(1000, 7, 0);
        int[][] others = {Batches.permutation(1000, 7, 1), Batches.permutation(1000, 8, 0),
                Batches.permutation(1000, -7, 0)};
        for (int[] other : others) {
            int same = 0;
            for (int i = 0; i < base.length; i++) {
                same += base[i] == other[i] ? 1 : 0;
            }
            assertTrue(same < 20, "positions in common: " + same + " of 1000 (expected about 1)");
        }
        int[] identity = new int[1000];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, base), "permutation of 1000 is the identity");
    }

    @Test
    void permutationIsUniformOnSmallN() {
        // All 6 permutations of 3 over 60000 epochs: each count within 5 sigma of 10000.
        int[] counts = new int[6];
        for (int epoch = 0; epoch < 60000; epoch++) {
            int[] p = Batches.permutation(3, 11, epoch);
            counts[p[0] * 2 + (p[1] > p[2] ? 1 : 0)]++;
        }
        double sigma = Math.sqrt(60000 * (1 / 6.0) * (5 / 6.0));
        for (int c : counts) {
            assertTrue(Math.abs(c - 10000) < 5 * sigma, "counts " + Arrays.toString(counts));
        }
    }

    @Test
    void boundedIntStaysInRange() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] bounds = {1, 2, 3, 7, 1 << 30, Integer.MAX_VALUE};
        for (int bound : bounds) {
            for (int t = 0; t < 1000; t++) {
                int v = Batches.boundedInt(rng, bound);
                assertTrue(v >= 0 && v < bound, "bound " + bound + ": " + v);
            }
        }
    }

    @Test
    void batchesPerEpochKeepsLastPartialBatch() {
        assertEquals(0, Batches.batchesPerEpoch(0, 32));
        assertEquals(1, Batches.batchesPerEpoch(1, 32));
        assertEquals(1, Batches.batchesPerEpoch(32, 32));
        assertEquals(2, Batches.batchesPerEpoch(33, 32));
        assertEquals(469, Batches.batchesPerEpoch(60000, 128));
        assertEquals(Integer.MAX_VALUE, Batches.batchesPerEpoch(Integer.MAX_VALUE, 1));
        DataException e = assertThrows(DataException.class, () -> Batches.batchesPerEpoch(10, 0));
        assertTrue(e.getMessage().contains("batchSize >= 1") && e.getMessage().contains("batchSize=0"), e.getMessage());
    }
}
