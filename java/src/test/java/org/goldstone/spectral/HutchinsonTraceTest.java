package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hutchinson trace (SCIENCE d.3) against the exact trace of dense 100 x 100 matrices (g.18). */
class HutchinsonTraceTest {
    private static final int P = 100;

    @Test
    void hundredRademacherProbesAreWithinThreeStandardErrors() {
        SplittableRandom rng = new SplittableRandom(21);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        HutchinsonTrace.Estimate e = HutchinsonTrace.estimate(a, 100, rng);
        assertEquals(100, e.probes(), "tol 0 must use every probe");
        assertFalse(e.converged(), "tol 0 never fires the stopping rule");
        double truth = a.trace();
        assertTrue(Math.abs(e.mean() - truth) < 3 * e.standardError(),
                Spectra.msg("trace", truth, e.mean(), 3 * e.standardError()) + " = 3 standard errors");
        assertEquals(Spectra.sum(e.samples()) / 100, e.mean(), 1e-12, "mean of the samples, tol 1e-12");
    }

    @Test
    void standardErrorMatchesTheRademacherVariance() {
        SplittableRandom rng = new SplittableRandom(22);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double offDiagonal = 0;                  // variance per probe = 2 sum_{i != j} A_ij^2 (d.3)
        for (int i = 0; i < P; i++) {
            for (int j = 0; j < P; j++) {
                offDiagonal += i == j ? 0 : a.matrix[i][j] * a.matrix[i][j];
            }
        }
        double expected = Math.sqrt(2 * offDiagonal / 400);
        HutchinsonTrace.Estimate e = HutchinsonTrace.estimate(a, 400, 0, rng);
        double ratio = e.standardError() / expected;
        assertTrue(ratio > 0.8 && ratio < 1.25, "sample standard error " + e.standardError() + " vs theory " + expected
                + ": ratio " + ratio + ", allowed [0.8, 1.25]");
    }

    @Test
    void pyHessianStoppingRuleStopsWhenTheMeanSettles() {
        SplittableRandom rng = new SplittableRandom(23);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, 1, 10, rng), rng);
        HutchinsonTrace.Estimate e = HutchinsonTrace.estimate(a, 100, 1e-2, rng);
        int n = e.probes();
        assertTrue(e.converged() && n > 1 && n < 100, "expected an early stop, got " + n + " probes, converged "
                + e.converged());
        double last = Spectra.sum(e.samples()) / n;
        double before = (Spectra.sum(e.samples()) - e.samples()[n - 1]) / (n - 1);
        double change = Math.abs(last - before) / (Math.abs(before) + 1e-6);
        assertTrue(change < 1e-2, "relative change at the stop " + change + ", tol 1e-2");
    }

    @Test
    void nonFiniteProbeNamesTheStepAndKeepsEarlierSamples() {
        SplittableRandom rng = new SplittableRandom(24);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class,
                () -> HutchinsonTrace.estimate(Spectra.nanOnCall(a, 5), 100, 0, new SplittableRandom(1)));
        assertEquals(5, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("HutchinsonTrace at step 5"), e.getMessage());
        HutchinsonTrace.Estimate partial = e.partial(HutchinsonTrace.Estimate.class);
        HutchinsonTrace.Estimate clean = HutchinsonTrace.estimate(a, 4, 0, new SplittableRandom(1));
        assertEquals(4, partial.probes(), "probes kept in the partial estimate");
        assertEquals(clean.mean(), partial.mean(), 0.0, "partial mean equals the clean 4-probe mean");
    }
}
