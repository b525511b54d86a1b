package org.goldstone.spectral;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;

/**
 * Hutchinson's stochastic trace estimator, PyHessian's {@code trace()} (SCIENCE d.3):
 *
 * <pre>
 *   tr A ~ (1/n) sum_{i=1..n} v_i^T A v_i,   v_i Rademacher (entries +-1)
 *   stop after probe n when |mean_n - mean_{n-1}| / (|mean_{n-1}| + 1e-6) &lt; tol   (mean_0 = 0), or n = maxProbes
 * </pre>
 *
 * The estimator is unbiased with per-probe variance 2 sum_{i != j} A_ij^2 (Gaussian probes: 2 |A|_F^2), so its
 * standard error is that over sqrt(n); the {@link Estimate} reports the sample version, s / sqrt(n). As in PyHessian
 * the first comparison is against 0, so a tiny first sample can end the run at n = 1. tol = 0 always uses maxProbes
 * probes. A non-finite product throws {@link NonFiniteProbeException}; {@code partial(HutchinsonTrace.Estimate.class)}
 * averages the probes before it.
 */
public final class HutchinsonTrace {
    /** PyHessian's defaults. */
    public static final int DEFAULT_MAX_PROBES = 100;
    public static final double DEFAULT_TOL = 1e-3;

    /**
     * mean = (1/n) sum samples; standardError = sample standard deviation (n - 1 denominator) / sqrt(n), NaN for
     * n = 1; samples[i] = v_i^T A v_i in probe order; converged: the stopping rule fired before maxProbes.
     */
    public record Estimate(double mean, double standardError, double[] samples, boolean converged) {
        public int probes() {
            return samples.length;
        }

        static Estimate of(double[] samples, boolean converged) {
            int n = samples.length;
            double sum = 0;
            for (double s : samples) {
                sum += s;
            }
            double mean = n == 0 ? Double.NaN : sum / n;
            double se = Double.NaN;
            if (n > 1) {
                double ss = 0;
                for (double s : samples) {
                    ss += (s - mean) * (s - mean);
                }
                se = Math.sqrt(ss / (n - 1) / n);
            }
            return new Estimate(mean, se, samples, converged);
        }
    }

    private HutchinsonTrace() {
    }

    /** Exactly {@code probes} probes (tol = 0): the fixed-budget form of SCIENCE d.3. */
    public static Estimate estimate(SymmetricOperator a, int probes, SplittableRandom rng) {
        return estimate(a, probes, 0, rng);
    }

    /** PyHessian's defaults: up to 100 probes, tol 1e-3. */
    public static Estimate estimate(SymmetricOperator a, SplittableRandom rng) {
        return estimate(a, DEFAULT_MAX_PROBES, DEFAULT_TOL, rng);
    }

    public static Estimate estimate(SymmetricOperator a, int maxProbes, double tol, SplittableRandom rng) {
        int p = a.dimension();
        if (maxProbes < 1) {
            throw new GoldstoneException("Hutchinson maxProbes must be >= 1, got " + maxProbes);
        }
        if (!(tol >= 0)) {
            throw new GoldstoneException("Hutchinson tol must be >= 0, got " + tol);
        }
        double[] samples = new double[maxProbes];
        double[] w = new double[p];
        double sum = 0, previous = 0;
        for (int i = 0; i < maxProbes; i++) {
            double[] v = Vectors.rademacher(p, rng);
            a.apply(v, w);
            int bad = Vectors.firstNonFinite(w);
            double sample = bad >= 0 ? Double.NaN : Vectors.dot(v, w);
            if (!Double.isFinite(sample)) {
                String detail = bad >= 0 ? NonFiniteProbeException.describe(w, bad) : "v.Av = " + sample;
                throw new NonFiniteProbeException("HutchinsonTrace", i + 1, detail,
                        i == 0 ? null : Estimate.of(Arrays.copyOf(samples, i), false), null);
            }
            samples[i] = sample;
            sum += samples[i];
            double mean = sum / (i + 1);
            if (Math.abs(mean - previous) / (Math.abs(previous) + 1e-6) < tol) {
                return Estimate.of(Arrays.copyOf(samples, i + 1), true);
            }
            previous = mean;
        }
        return Estimate.of(samples, false);
    }
}
