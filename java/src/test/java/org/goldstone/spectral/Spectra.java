package org.goldstone.spectral;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Planted spectra, operator wrappers and message helpers for the spectral tests. Test helper. */
final class Spectra {
    private Spectra() {
    }

    /** p distinct eigenvalues: an equispaced grid on [lo, hi] jittered by up to 30% of the spacing, shuffled. */
    static double[] distinct(int p, double lo, double hi, SplittableRandom rng) {
        double[] l = new double[p];
        double h = (hi - lo) / (p - 1);
        for (int i = 0; i < p; i++) {
            l[i] = lo + i * h + (i == 0 || i == p - 1 ? 0 : 0.3 * h * (2 * rng.nextDouble() - 1));
        }
        shuffle(l, rng);
        return l;
    }

    /** The given leading values followed by p - leading.length values uniform in [lo, hi]. */
    static double[] planted(int p, double[] leading, double lo, double hi, SplittableRandom rng) {
        double[] l = new double[p];
        System.arraycopy(leading, 0, l, 0, leading.length);
        for (int i = leading.length; i < p; i++) {
            l[i] = lo + (hi - lo) * rng.nextDouble();
        }
        shuffle(l, rng);
        return l;
    }

    static void shuffle(double[] l, SplittableRandom rng) {
        for (int i = l.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = l[i];
            l[i] = l[j];
            l[j] = t;
        }
    }

    /** The sorted distinct values of l (values closer than tol merged). */
    static double[] distinctValues(double[] l, double tol) {
        double[] s = l.clone();
        Arrays.sort(s);
        double[] out = new double[s.length];
        int n = 0;
        for (double v : s) {
            if (n == 0 || v - out[n - 1] > tol) {
                out[n++] = v;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** max_i min_j |a_i - b_j|: how far the worst value of a is from the set b. */
    static double distanceToSet(double[] a, double[] b) {
        double worst = 0;
        for (double x : a) {
            double best = Double.POSITIVE_INFINITY;
            for (double y : b) {
                best = Math.min(best, Math.abs(x - y));
            }
            worst = Math.max(worst, best);
        }
        return worst;
    }

    static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    /** An operator that behaves like a but writes NaN into entry 3 of its output on application number badCall. */
    static SymmetricOperator nanOnCall(SymmetricOperator a, int badCall) {
        return new SymmetricOperator() {
            private int calls;

            @Override
            public int dimension() {
                return a.dimension();
            }

            @Override
            public void apply(double[] v, double[] out) {
                a.apply(v, out);
                if (++calls == badCall) {
                    out[3] = Double.NaN;
                }
            }
        };
    }

    static String msg(String what, double expected, double actual, double tol) {
        return what + ": expected " + expected + ", got " + actual + " (|diff| = " + Math.abs(expected - actual)
                + ", tol " + tol + ")";
    }

    /** diag(-1, 2, 4, -1, 2, 4, ...), p x p: its products of +-1 vectors are exact in fp32. */
    static double[][] minusOneTwoFour(int p) {
        double[][] m = new double[p][p];
        for (int i = 0; i < p; i++) {
            m[i][i] = i % 3 == 0 ? -1 : i % 3 == 1 ? 2 : 4;
        }
        return m;
    }

    /** {@code steps} FULL Lanczos steps on a from a seeded +-1 start, basis kept (restarts from the same rng). */
    static LanczosResult runFromSigns(SymmetricOperator a, int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] start = new double[a.dimension()];
        for (int i = 0; i < start.length; i++) {
            start[i] = rng.nextBoolean() ? 1 : -1;
        }
        return Lanczos.run(a, Lanczos.Options.of(steps).withStart(start).withKeepBasis(true), rng);
    }
}
