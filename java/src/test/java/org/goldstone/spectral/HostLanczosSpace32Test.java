package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * The fp32 space of FULL Lanczos ({@link HostLanczosSpace32}): its sweeps against fp64 references, its scale
 * bookkeeping on operators far from unit scale, and the last step's alpha and beta from two basis rows.
 */
class HostLanczosSpace32Test {
    /** A dense matrix behind an fp32 interface: input rounded to fp32 (as given), product rounded to fp32. */
    private static SymmetricOperator fp32(SymmetricOperator dense, double scale) {
        return new SymmetricOperator() {
            @Override
            public int dimension() {
                return dense.dimension();
            }

            @Override
            public void apply(double[] v, double[] out) {
                dense.apply(v, out);
                for (int i = 0; i < out.length; i++) {
                    out[i] *= scale;
                }
            }

            @Override
            public DType inputPrecision() {
                return DType.F32;
            }
        };
    }

    @Test
    void theFp32SweepsMatchFp64ReferencesAcrossBlocksHalvesAndTails() {
        SplittableRandom rng = new SplittableRandom(41);
        int p = 2 * HostBasis.F32_BLOCK + 1013, count = 13;  // two halves, a partial block, a SIMD tail; 4-row groups and one row
        HostBasis.F32 q = new HostBasis.F32(count);
        float[][] rows = new float[count][p];
        for (float[] row : rows) {
            for (int i = 0; i < p; i++) {
                row[i] = (float) rng.nextGaussian();
            }
        }
        for (int k = 0; k < count; k++) {
            q.keep(k, rows[k]);
        }
        float[] w = new float[p];
        for (int i = 0; i < p; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        double[] d = Vectors.coefficients(q, count, count - 1, w);
        for (int k = 0; k < count; k++) {
            double dw = 0, dg = 0;
            for (int i = 0; i < p; i++) {
                dw += (double) rows[k][i] * w[i];
                dg += (double) rows[k][i] * rows[count - 1][i];
            }
            assertEquals(dw, d[k], 1e-12 * p, "q_" + k + " . w (exact products, fp64 sums)");
            assertEquals(dg, d[count + 1 + k], 1e-12 * p, "Gram entry q_" + k + " . q_last");
        }
        double ww = 0;
        for (float f : w) {
            ww += (double) f * f;
        }
        assertEquals(ww, d[count], 1e-12 * ww, "|w|^2");

        double[] c = new double[count];
        for (int k = 0; k < count; k++) {
            c[k] = rng.nextGaussian();
        }
        float[] expected = new float[p];
        double sq = 0;
        for (int i = 0; i < p; i++) {
            double x = w[i];
            for (int k = 0; k < count; k++) {
                x = Math.fma(-c[k], rows[k][i], x);
            }
            expected[i] = (float) (x * 0.25);
            sq += (double) expected[i] * expected[i];
        }
        double got = Vectors.update(q, count, c, 0.25, w);
        for (int i = 0; i < p; i++) {
            assertEquals(expected[i], w[i], Math.ulp(expected[i]), "fp32(sigma (w - Q^T c)) at " + i);
        }
        assertEquals(sq, got, 1e-12 * sq, "the sum of squares of the stored entries");
    }

    /**
     * The arrays carry the operator's scale only through their fp64 scales: an operator 1e30 or 1e-30 times a
     * unit-scale one (whose fp32 products would overflow or underflow within a few steps if the arrays carried the
     * products of the scales) gives the same Ritz values times the scale.
     */
    @Test
    void operatorsFarFromUnitScaleGiveScaledRitzValues() {
        int p = 120;
        SplittableRandom rng = new SplittableRandom(42);
        ExplicitOperator dense = ExplicitOperator.withSpectrum(Spectra.distinct(p, -3, 7, rng), rng);
        double[] unit = Lanczos.run(fp32(dense, 1), 40, Reorthogonalization.FULL, new SplittableRandom(7)).ritzValues();
        for (double scale : new double[] {1e30, 1e-30}) {
            double[] ritz = Lanczos.run(fp32(dense, scale), 40, Reorthogonalization.FULL, new SplittableRandom(7)).ritzValues();
            for (int i = 0; i < ritz.length; i++) {
                assertEquals(unit[i], ritz[i] / scale, 1e-5, "Ritz value " + i + " / " + scale);
            }
        }
    }

    /**
     * An fp32 operator whose products are exact in fp32 (diag(-1, 2, 4) on +-1 start entries): the Krylov space is
     * exhausted at step 3, the run restarts from a Gaussian vector (the space's classical orthogonalization and
     * lazy scaling), the step after it records the restart vector's Gram column, and the Ritz values still hold
     * -1, 2 and 4 with a basis that stays orthonormal (3.8e-6 off against the restart vector while that column was
     * missing).
     */
    @Test
    void restartsKeepTheRitzValuesAndTheBasis() {
        LanczosResult r = Spectra.runFromSigns(fp32(ExplicitOperator.of(Spectra.minusOneTwoFour(30)), 1), 12, 44);
        assertEquals(3, r.breakdowns().get(0), "the Krylov space of the start vector has dimension 3");
        assertEquals(12, r.steps(), "the run goes on from the restart (whose fp32 rounding leaves no exact"
                + " invariant subspace to find again)");
        for (double lambda : new double[] {-1, 2, 4}) {
            double nearest = Double.POSITIVE_INFINITY;
            for (double theta : r.ritzValues()) {
                nearest = Math.min(nearest, Math.abs(theta - lambda));
            }
            assertTrue(nearest < 1e-6, "a Ritz value within 1e-6 of " + lambda + ": " + nearest);
        }
        double[][] q = r.basis();
        for (int i = 0; i < q.length; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(i == j ? 1 : 0, Vectors.dot(q[i], q[j]), 1e-7, "q_" + i + " . q_" + j);
            }
        }
    }

    /**
     * A NaN in the 7th fp32 product: the run names step 7 and the entry, and its partial result holds the six
     * completed steps of the clean run.
     */
    @Test
    void aNonFiniteProductNamesTheStepAndKeepsCompletedSteps() {
        SplittableRandom rng = new SplittableRandom(45);
        ExplicitOperator dense = ExplicitOperator.withSpectrum(Spectra.distinct(80, -2, 10, rng), rng);
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class, () -> Lanczos.run(
                fp32(Spectra.nanOnCall(dense, 7), 1), 20, Reorthogonalization.FULL, new SplittableRandom(9)));
        assertEquals(7, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("entry 3"), e.getMessage());
        LanczosResult partial = e.partial(LanczosResult.class);
        LanczosResult clean = Lanczos.run(fp32(dense, 1), 20, Reorthogonalization.FULL, new SplittableRandom(9));
        assertEquals(6, partial.steps(), "completed steps in the partial result");
        for (int j = 0; j < 6; j++) {
            assertEquals(clean.alpha()[j], partial.alpha()[j], 0.0, "partial alpha_" + (j + 1));
        }
    }

    /**
     * The last step's beta_m, from one sweep over w and the last two basis rows, is the norm of the residual
     * A q_m - alpha_m q_m - beta_{m-1} q_{m-1} computed from the kept basis; and the run's Ritz values are those of a
     * run one step longer cut at m (the last step's alpha agrees with the full projection's).
     */
    @Test
    void theLastStepGivesTheResidualNormOfTheKeptBasis() {
        int p = 300, m = 25;
        SplittableRandom rng = new SplittableRandom(43);
        ExplicitOperator dense = ExplicitOperator.withSpectrum(Spectra.distinct(p, -1, 4, rng), rng);
        SymmetricOperator a = fp32(dense, 1);
        LanczosResult r = Lanczos.run(a, Lanczos.Options.of(m).withKeepBasis(true), new SplittableRandom(8));
        double[][] q = r.basis();
        double[] res = new double[p];
        dense.apply(q[m - 1], res);
        for (int i = 0; i < p; i++) {
            res[i] -= r.alpha()[m - 1] * q[m - 1][i] + r.beta()[m - 2] * q[m - 2][i];
        }
        double norm = Vectors.norm(res);
        assertEquals(norm, r.beta()[m - 1], 1e-5 * 4, "beta_m vs |A q_m - alpha_m q_m - beta_{m-1} q_{m-1}|");
        LanczosResult longer = Lanczos.run(a, Lanczos.Options.of(m + 1), new SplittableRandom(8));
        for (int j = 0; j < m; j++) {
            assertEquals(longer.alpha()[j], r.alpha()[j], 1e-12 * 4, "alpha_" + (j + 1) + " of the longer run");
        }
        assertTrue(r.beta()[m - 1] > 0, "no breakdown here");
    }
}
