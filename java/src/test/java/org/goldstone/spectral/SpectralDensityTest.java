package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Stochastic Lanczos quadrature (SCIENCE d.5) on 100 x 100 planted spectra (g.18). */
class SpectralDensityTest {
    private static final int P = 100;

    @Test
    void weightsSumToOnePerProbeAndDensityHasUnitAreaOnItsGrid() {
        SplittableRandom rng = new SplittableRandom(51);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        SpectralDensity s = SpectralDensity.slq(a, 30, 5, rng);
        assertEquals(5, s.probes(), "probes");
        for (int l = 0; l < 5; l++) {
            assertEquals(1.0, Spectra.sum(s.weights(l)), 1e-12, "sum of weights of probe " + l + ", tol 1e-12");
        }
        double[][] d = s.density(2000, 1e-3, 0.01);
        double[] grid = d[0], values = d[1];
        double dx = grid[1] - grid[0];
        assertEquals(1.0, Spectra.sum(values) * dx, 1e-12, "sum(values) dx (PyHessian normalization), tol 1e-12");
        double lo = 0, hi = 0;
        for (int l = 0; l < 5; l++) {
            lo += s.nodes(l)[0] / 5;
            hi += s.nodes(l)[29] / 5;
        }
        assertEquals(lo - 0.01, grid[0], 1e-12, "grid start = mean min node - overhead, tol 1e-12");
        assertEquals(hi + 0.01, grid[grid.length - 1], 1e-12, "grid end = mean max node + overhead, tol 1e-12");
    }

    @Test
    void unnormalizedBroadeningAlreadyIntegratesToOne() {
        SplittableRandom rng = new SplittableRandom(52);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        SpectralDensity s = SpectralDensity.slq(a, 40, 3, rng);
        double variance = 0.01;
        int n = 20001;
        double lo = -3, hi = 11, dx = (hi - lo) / (n - 1);
        double[] t = new double[n];
        for (int j = 0; j < n; j++) {
            t[j] = lo + j * dx;
        }
        double[] phi = s.broadened(t, variance);
        double area = 0;                           // trapezoid rule
        for (int j = 0; j < n; j++) {
            area += (j == 0 || j == n - 1 ? 0.5 : 1) * phi[j] * dx;
        }
        assertEquals(1.0, area, 1e-8, "integral of phi_sigma over [-3, 11], tol 1e-8");
    }

    @Test
    void firstMomentOfEachProbeIsItsRayleighQuotientAndMeanEstimatesTraceOverP() {
        SplittableRandom rng = new SplittableRandom(53);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, 1, 10, rng), rng);
        SpectralDensity s = SpectralDensity.slq(a, 20, 50, rng);
        double mean = 0;
        double[] moments = new double[50];
        for (int l = 0; l < 50; l++) {
            double[] th = s.nodes(l), w = s.weights(l);
            for (int i = 0; i < th.length; i++) {
                moments[l] += w[i] * th[i];
            }
            mean += moments[l] / 50;
        }
        double sd = 0;
        for (double m : moments) {
            sd += (m - mean) * (m - mean) / 49;
        }
        double se = Math.sqrt(sd / 50);
        double truth = a.trace() / P;
        assertTrue(Math.abs(mean - truth) < 4 * se, Spectra.msg("mean first moment vs tr A / P", truth, mean, 4 * se)
                + " = 4 standard errors");
    }

    @Test
    void countBelowEstimatesTheZeroCluster() {
        SplittableRandom rng = new SplittableRandom(54);
        double[] lambda = new double[P];          // 5 zeros at the bottom edge, then a gap to [0.5, 10]
        System.arraycopy(Spectra.distinct(95, 0.5, 10, rng), 0, lambda, 0, 95);
        Spectra.shuffle(lambda, rng);
        ExplicitOperator a = ExplicitOperator.withSpectrum(lambda, rng);
        // 40 steps converge an edge cluster; an interior one (neighbours at +-0.5) is still spread over several
        // nodes then, and the count comes out biased low (about -0.4 over 40 seeds)
        SpectralDensity s = SpectralDensity.slq(a, 40, 60, rng);
        double n0 = s.countBelow(0.1, P);
        assertEquals(n0, s.countBelow(0.1), 0.0, "countBelow(delta) uses the operator dimension");
        // per probe P |P_0 v|^2 / |v|^2 has mean 5 and standard deviation about sqrt(2 * 5) = 3.2; 60 probes -> 0.41
        assertEquals(5.0, n0, 1.6, "N_0 estimate, tol 1.6 (about 4 standard errors)");
        double[][] d = s.density();
        assertEquals(10000, d[0].length, "PyHessian default bins");
    }

    @Test
    void nonFiniteProductKeepsCompletedProbes() {
        SplittableRandom rng = new SplittableRandom(55);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class,
                () -> SpectralDensity.slq(Spectra.nanOnCall(a, 25), 10, 4, rng));
        assertEquals(5, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("probe 3 of 4"), e.getMessage());
        assertEquals(2, e.partial(SpectralDensity.class).probes(), "probes kept");
    }
}
