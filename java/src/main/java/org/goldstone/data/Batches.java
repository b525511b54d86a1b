package org.goldstone.data;

import java.util.SplittableRandom;

/**
 * Seeded shuffling and batching. The order of epoch e is {@code permutation(n, seed, e)}, a function of
 * (seed, epoch) alone, so a run resumed at (seed, epoch, batchIndex) sees bit-identical batches. Batch b of an
 * epoch covers positions {@code b*batchSize .. min(n, (b+1)*batchSize) - 1} of the permutation; the last, partial
 * batch is kept.
 */
public final class Batches {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private Batches() {
    }

    /**
     * A uniformly random permutation of 0..n-1 (Fisher-Yates). The generator is derived as
     * {@code key = new SplittableRandom(seed).split().nextLong()} (a stream reserved for shuffling) and
     * {@code rng = new SplittableRandom(mix64(key + GOLDEN_GAMMA * (epoch + 1)))}; bounded draws use Lemire's
     * multiply-shift on {@code nextLong() >>> 32}, so the result is pinned by this class, not by the JDK.
     */
    public static int[] permutation(int n, long seed, int epoch) {
        if (n < 0 || epoch < 0) {
            throw new DataException("permutation: expected n >= 0 and epoch >= 0, found n=" + n + " epoch=" + epoch);
        }
        long key = new SplittableRandom(seed).split().nextLong();
        // mix64 scrambles the per-epoch seed: seeds that differ by multiples of GOLDEN_GAMMA would otherwise give
        // SplittableRandom streams that are shifted copies of one another.
        SplittableRandom rng = new SplittableRandom(mix64(key + GOLDEN_GAMMA * (epoch + 1L)));
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = boundedInt(rng, i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** ceil(n / batchSize): the last, partial batch is kept. */
    public static int batchesPerEpoch(int n, int batchSize) {
        if (n < 0 || batchSize < 1) {
            throw new DataException("batchesPerEpoch: expected n >= 0 and batchSize >= 1, found n=" + n
                    + " batchSize=" + batchSize);
        }
        return (int) (((long) n + batchSize - 1) / batchSize);
    }

    /** Uniform in 0..bound-1 for 1 <= bound <= 2^31-1, without modulo bias (Lemire 2019, Algorithm 5). */
    static int boundedInt(SplittableRandom rng, int bound) {
        long m = (rng.nextLong() >>> 32) * bound;
        long low = m & 0xffffffffL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (rng.nextLong() >>> 32) * bound;
                low = m & 0xffffffffL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Stafford's variant 13 of the MurmurHash3 finalizer, the mixer SplittableRandom itself uses. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
