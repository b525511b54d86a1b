package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Power iteration (SCIENCE d.2) against planted spectra of dense 100 x 100 matrices (g.18). */
class PowerIterationTest {
    private static final int P = 100;

    @Test
    void topEigenvalueWithPyHessianDefaultsIsWithin1e3Relative() {
        SplittableRandom rng = new SplittableRandom(11);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.planted(P, new double[] {10}, -4, 4, rng), rng);
        double truth = a.denseEigenvalues()[P - 1];
        PowerIteration.Result r = PowerIteration.top(a, rng);
        double rel = Math.abs(r.eigenvalues()[0] - truth) / Math.abs(truth);
        assertTrue(rel < 1e-3, Spectra.msg("top eigenvalue (relative error " + rel + ")", truth, r.eigenvalues()[0],
                1e-3 * truth));
        assertTrue(r.converged()[0], "tol 1e-3 not reached in " + r.iterations()[0] + " of 100 iterations");
        assertEquals(1.0, Vectors.norm(r.eigenvectors()[0]), 1e-14, "eigenvector norm, tol 1e-14");
    }

    @Test
    void deflationFindsTheThreeLargestMagnitudesInOrder() {
        SplittableRandom rng = new SplittableRandom(12);
        double[] planted = {10, -7, 4};
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.planted(P, planted, -2, 2, rng), rng);
        PowerIteration.Result r = PowerIteration.top(a, 3, 1000, 1e-12, rng);
        for (int k = 0; k < 3; k++) {
            int idx = indexOf(a.spectrum, planted[k]);
            double got = r.eigenvalues()[k];
            assertTrue(Math.abs(got - planted[k]) < 1e-8 * Math.abs(planted[k]),
                    Spectra.msg("eigenvalue " + (k + 1), planted[k], got, 1e-8 * Math.abs(planted[k])));
            double cos = Math.abs(Vectors.dot(r.eigenvectors()[k], a.eigenvectors[idx]));
            assertTrue(cos > 1 - 1e-8, "eigenvector " + (k + 1) + ": |cos| with the planted one = " + cos
                    + ", expected > 1 - 1e-8");
            assertTrue(r.converged()[k], "eigenpair " + (k + 1) + " not converged in " + r.iterations()[k]);
        }
        for (int k = 0; k < 3; k++) {
            for (int l = 0; l < k; l++) {
                double d = Math.abs(Vectors.dot(r.eigenvectors()[k], r.eigenvectors()[l]));
                assertTrue(d < 1e-10, "eigenvectors " + l + ", " + k + " overlap " + d + ", tol 1e-10");
            }
        }
    }

    @Test
    void dominantNegativeEigenvalueIsReturnedWithItsSign() {
        SplittableRandom rng = new SplittableRandom(13);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.planted(P, new double[] {-9}, -3, 3, rng), rng);
        PowerIteration.Result r = PowerIteration.top(a, 1, 1000, 1e-12, rng);
        assertTrue(Math.abs(r.eigenvalues()[0] + 9) < 1e-8, Spectra.msg("top |lambda|", -9, r.eigenvalues()[0], 1e-8));
    }

    @Test
    void bottomFindsTheMostNegativeEigenvalueByShifting() {
        SplittableRandom rng = new SplittableRandom(14);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.planted(P, new double[] {10, -3}, -1, 6, rng), rng);
        double truth = a.denseEigenvalues()[0];
        PowerIteration.Result r = PowerIteration.bottom(a, 2000, 1e-12, rng);
        double tol = 1e-7 * 13;                  // relative to the shifted eigenvalue lambda_min - lambda_max
        assertTrue(Math.abs(r.eigenvalues()[0] - truth) < tol,
                Spectra.msg("lambda_min", truth, r.eigenvalues()[0], tol));
        assertTrue(r.converged()[0], "shifted run not converged in " + r.iterations()[0]);
    }

    @Test
    void nonFiniteProductNamesTheStepAndKeepsFoundPairs() {
        SplittableRandom rng = new SplittableRandom(15);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.planted(P, new double[] {10, -7}, -2, 2, rng), rng);
        PowerIteration.Result clean = PowerIteration.top(a, 1, 1000, 1e-10, new SplittableRandom(1));
        int badCall = clean.iterations()[0] + 3;  // third product of the second eigenpair
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class,
                () -> PowerIteration.top(Spectra.nanOnCall(a, badCall), 2, 1000, 1e-10, new SplittableRandom(1)));
        assertEquals(3, e.step(), "step named in: " + e.getMessage());
        assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("eigenpair 2"), e.getMessage());
        PowerIteration.Result partial = e.partial(PowerIteration.Result.class);
        assertEquals(1, partial.count(), "eigenpairs kept in the partial result");
        assertEquals(clean.eigenvalues()[0], partial.eigenvalues()[0], 0.0, "partial eigenvalue equals the clean run");
    }

    private static int indexOf(double[] x, double v) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] == v) {
                return i;
            }
        }
        throw new AssertionError(v + " not planted");
    }
}
