package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Block Lanczos counts the multiplicity single-vector Lanczos cannot (g.18, lesson h.6). */
class BlockLanczosTest {
    private static final int P = 100;

    @ParameterizedTest(name = "block size {0}")
    @ValueSource(ints = {5, 7})
    void plantedFiveFoldZeroAppearsFiveTimes(int b) {
        SplittableRandom rng = new SplittableRandom(41);
        double[] lambda = LanczosTest.fiveFoldZero(rng);
        ExplicitOperator a = ExplicitOperator.withSpectrum(lambda, rng);
        BlockLanczosResult r = BlockLanczos.run(a, b, (P + b - 1) / b, rng);
        assertEquals(P, r.size(), "basis size at exhaustion");
        assertEquals(5, r.countNear(0, 1e-8), "Ritz values within 1e-8 of 0 with block size " + b);
        double[] dense = a.denseEigenvalues();
        for (int i = 0; i < P; i++) {
            assertTrue(Math.abs(r.ritzValues()[i] - dense[i]) < 1e-8,
                    Spectra.msg("Ritz value " + i, dense[i], r.ritzValues()[i], 1e-8));
        }
        assertEquals(1.0, Spectra.sum(r.ritzWeights()), 1e-12, "sum of block Ritz weights, tol 1e-12");
        assertTrue(r.deflations().isEmpty(), "no rank drop expected, got " + r.deflations());
    }

    @Test
    void blockTridiagonalIsSymmetricAndBanded() {
        SplittableRandom rng = new SplittableRandom(42);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        int b = 4;
        BlockLanczosResult r = BlockLanczos.run(a, b, 6, rng);
        assertEquals(24, r.size(), "6 blocks of 4");
        double[][] t = r.blockTridiagonal();
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < t.length; j++) {
                assertEquals(t[i][j], t[j][i], 0.0, "T[" + i + "][" + j + "] vs transpose");
                if (Math.abs(i / b - j / b) > 1) {
                    assertEquals(0.0, t[i][j], 0.0, "T[" + i + "][" + j + "] outside the block band");
                }
            }
        }
        double[] dense = a.denseEigenvalues();     // Cauchy interlacing: T = V^T A V has its spectrum inside A's
        assertTrue(r.ritzValues()[r.size() - 1] <= dense[P - 1] + 1e-12 && r.ritzValues()[0] >= dense[0] - 1e-12,
                "Ritz range [" + r.ritzValues()[0] + ", " + r.ritzValues()[r.size() - 1] + "] outside the spectrum ["
                        + dense[0] + ", " + dense[P - 1] + "], tol 1e-12");
    }

    @Test
    void rankDropIsCompletedWithRandomColumnsAndStaysCorrect() {
        SplittableRandom rng = new SplittableRandom(43);
        int p = 30;
        double[] lambda = new double[p];
        for (int i = 0; i < p; i++) {
            lambda[i] = i % 3 == 0 ? -1 : i % 3 == 1 ? 2 : 5;
        }
        ExplicitOperator a = ExplicitOperator.withSpectrum(lambda, rng);
        BlockLanczosResult r = BlockLanczos.run(a, 4, 8, rng);
        assertFalse(r.deflations().isEmpty(), "a 3-valued spectrum must drop the rank of a 4-column block");
        assertEquals(32 > p ? p : 32, r.size(), "basis size");
        double d = Spectra.distanceToSet(r.ritzValues(), new double[] {-1, 2, 5});
        assertTrue(d < 1e-10, "worst distance from a Ritz value to {-1, 2, 5}: " + d + ", tol 1e-10");
        for (double mu : new double[] {-1, 2, 5}) {
            assertEquals(10, r.countNear(mu, 1e-8), "multiplicity of " + mu + " at exhaustion (deflations "
                    + r.deflations() + ")");
        }
    }

    @Test
    void nonFiniteProductNamesTheBlockStep() {
        SplittableRandom rng = new SplittableRandom(44);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class,
                () -> BlockLanczos.run(Spectra.nanOnCall(a, 11), 5, 10, rng));
        assertEquals(3, e.step(), e.getMessage());
        BlockLanczosResult partial = e.partial(BlockLanczosResult.class);
        assertEquals(2, partial.steps(), "completed blocks in the partial result");
        assertEquals(10, partial.size(), "basis size of the partial result");
    }

    @Test
    void blockSizeIsValidated() {
        ExplicitOperator a = ExplicitOperator.withSpectrum(new double[] {1, 2, 3}, new SplittableRandom(45));
        GoldstoneException e = assertThrows(GoldstoneException.class,
                () -> BlockLanczos.run(a, 4, 1, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("P = 3") && e.getMessage().contains("got 4"), e.getMessage());
    }
}
