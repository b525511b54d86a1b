package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;
import org.junit.jupiter.api.Test;

/** The asymmetry detector separates rounded symmetric operators from slightly non-symmetric ones. */
class OperatorChecksTest {
    private static final int P = 100;

    @Test
    void symmetricMatrixMeasuresAtRoundingLevel() {
        SplittableRandom rng = new SplittableRandom(61);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double s = OperatorChecks.asymmetry(a, rng);
        assertTrue(s < 1e-13, "asymmetry of a symmetric matrix " + s + ", tol 1e-13");
        OperatorChecks.requireSymmetric(a, 1e-10, rng);
    }

    @Test
    void nonSymmetricMatrixIsFlagged() {
        SplittableRandom rng = new SplittableRandom(62);
        ExplicitOperator sym = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double[][] m = new double[P][P];
        for (int i = 0; i < P; i++) {
            for (int j = 0; j < P; j++) {
                m[i][j] = sym.matrix[i][j] + (j > i ? 1e-3 * rng.nextGaussian() : 0);   // upper triangle perturbed
            }
        }
        ExplicitOperator a = ExplicitOperator.of(m);
        double s = OperatorChecks.asymmetry(a, rng);
        assertTrue(s > 1e-6, "asymmetry of a 1e-3-perturbed matrix " + s + ", expected > 1e-6");
        GoldstoneException e = assertThrows(GoldstoneException.class,
                () -> OperatorChecks.requireSymmetric(a, 1e-8, rng));
        assertTrue(e.getMessage().startsWith("operator is not symmetric")
                && e.getMessage().contains("threshold 1.0E-8"),
                e.getMessage());
    }

    @Test
    void nonFiniteOutputIsReportedNotMeasured() {
        SplittableRandom rng = new SplittableRandom(63);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(10, -2, 10, rng), rng);
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class,
                () -> OperatorChecks.asymmetry(Spectra.nanOnCall(a, 2), rng));
        assertTrue(e.getMessage().contains("asymmetry at step 2"), e.getMessage());
    }
}
