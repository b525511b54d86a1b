package org.goldstone.data;

import java.util.SplittableRandom;

/**
 * Seeded synthetic classification tasks that no linear model can solve but a small nonlinear net can.
 *
 * <p><b>rings</b>: x ~ N(0, I_d) with d = {@code features}; a random orthonormal pair (u, v) spans a plane, and
 * with q = (u.x)^2 + (v.x)^2 (chi-squared with 2 degrees of freedom, P(q &le; t) = 1 - exp(-t/2)) the class is the
 * shell t_c &le; q &lt; t_{c+1}, t_c = -2 ln(1 - c/classes): concentric rings of equal probability in that plane.
 * Every class-conditional distribution is symmetric under x -&gt; -x, so every class mean is 0 and a linear score
 * carries no signal; q is a quadratic form, so one hidden layer suffices. Draws are accepted until every class has
 * its quota (n/classes, the first n % classes classes one more), so both splits are exactly balanced. Labels are
 * computed from the stored float values and are noise free.
 */
public final class SyntheticTasks {
    private SyntheticTasks() {
    }

    /**
     * The rings task described above. Deterministic in all arguments: the basis, train and test samples come
     * from three {@code split()}s of {@code new SplittableRandom(seed)}, and Gaussians are Box-Muller with
     * {@link StrictMath}, so the result is the same on every JVM. Inputs have mean 0 and variance 1 per feature by
     * construction (standardized; no further scaling is applied).
     */
    public static Split rings(int samplesTrain, int samplesTest, int features, int classes, long seed) {
        if (samplesTrain < 1 || samplesTest < 1 || features < 2 || classes < 2) {
            throw new DataException("rings: expected samplesTrain >= 1, samplesTest >= 1, features >= 2, classes >= 2,"
                    + " found " + samplesTrain + ", " + samplesTest + ", " + features + ", " + classes);
        }
        if ((long) Math.max(samplesTrain, samplesTest) * features > Integer.MAX_VALUE) {
            throw new DataException("rings: expected samples * features <= " + Integer.MAX_VALUE + ", found "
                    + (long) Math.max(samplesTrain, samplesTest) * features);
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom basisRng = root.split();
        SplittableRandom trainRng = root.split();
        SplittableRandom testRng = root.split();
        double[] u = new double[features];
        double[] v = new double[features];
        orthonormalPair(u, v, basisRng);
        double[] thresholds = new double[classes - 1];
        for (int c = 1; c < classes; c++) {
            thresholds[c - 1] = -2.0 * StrictMath.log1p(-(double) c / classes);   // chi2(2) quantile c/classes
        }
        String tag = "rings(d=" + features + ",classes=" + classes + ",seed=" + seed + ")";
        Dataset train = draw(tag + "/train", samplesTrain, features, classes, u, v, thresholds, trainRng);
        Dataset test = draw(tag + "/test", samplesTest, features, classes, u, v, thresholds, testRng);
        return new Split(train, test);
    }

    /** The embedded default task: {@code rings(8192, 2048, 32, 4, seed)}. */
    public static Split defaultTask(long seed) {
        return rings(8192, 2048, 32, 4, seed);
    }

    private static Dataset draw(String name, int n, int d, int classes, double[] u, double[] v, double[] thresholds,
                                SplittableRandom rng) {
        int[] quota = new int[classes];
        for (int c = 0; c < classes; c++) {
            quota[c] = n / classes + (c < n % classes ? 1 : 0);
        }
        float[] x = new float[n * d];
        int[] labels = new int[n];
        double[] g = new double[d + 1];
        int accepted = 0;
        while (accepted < n) {
            gaussians(g, rng);
            int base = accepted * d;
            double pu = 0;
            double pv = 0;
            for (int j = 0; j < d; j++) {
                float xj = (float) g[j];
                x[base + j] = xj;                  // overwritten on rejection
                pu += u[j] * xj;
                pv += v[j] * xj;
            }
            double q = pu * pu + pv * pv;
            int c = 0;
            while (c < thresholds.length && q >= thresholds[c]) {
                c++;
            }
            if (quota[c] > 0) {
                quota[c]--;
                labels[accepted++] = c;
            }
        }
        return new Dataset(name, d, classes, x, labels);
    }

    /** Fills g (even length or one spare) with N(0, 1) draws by Box-Muller; u1 in (0, 1] keeps the log finite. */
    private static void gaussians(double[] g, SplittableRandom rng) {
        for (int j = 0; j + 1 < g.length; j += 2) {
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - rng.nextDouble()));
            double theta = 2.0 * StrictMath.PI * rng.nextDouble();
            g[j] = r * StrictMath.cos(theta);
            g[j + 1] = r * StrictMath.sin(theta);
        }
    }

    /** Two orthonormal vectors from Gram-Schmidt on Gaussian draws: a uniformly random plane. */
    private static void orthonormalPair(double[] u, double[] v, SplittableRandom rng) {
        double[] g = new double[2 * u.length + 2];
        gaussians(g, rng);
        System.arraycopy(g, 0, u, 0, u.length);
        System.arraycopy(g, u.length, v, 0, v.length);
        scaleToUnit(u);
        double uv = 0;
        for (int j = 0; j < u.length; j++) {
            uv += u[j] * v[j];
        }
        for (int j = 0; j < v.length; j++) {
            v[j] -= uv * u[j];
        }
        scaleToUnit(v);
    }

    private static void scaleToUnit(double[] a) {
        double s = 0;
        for (double e : a) {
            s += e * e;
        }
        double inv = 1.0 / StrictMath.sqrt(s);
        for (int j = 0; j < a.length; j++) {
            a[j] *= inv;
        }
    }
}
