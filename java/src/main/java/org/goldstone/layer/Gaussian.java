package org.goldstone.layer;

import java.util.SplittableRandom;

/** Seeded normal samples for initialization (Box-Muller on a caller-supplied SplittableRandom). */
final class Gaussian {
    private Gaussian() {
    }

    static void fill(double[] x, int offset, int count, double std, SplittableRandom rng) {
        for (int i = 0; i < count; i++) {
            x[offset + i] = std == 0.0 ? 0.0 : std * next(rng);
        }
    }

    static double next(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
