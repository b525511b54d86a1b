package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * The fp32 space of FULL Lanczos ({@link HostLanczosSpace32}): its sweeps against fp64 references, its scale
 * bookkeeping on operators far from unit scale, the one-sweep step on long runs, restarts and non-finite products,
 * the start vector, and the last step's alpha and beta from two basis rows.
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
     * The one sweep of a FULL step ({@link HostBasis.F32#project}): the dots of every row with w and with u, and the
     * next vector fp32(sigma (w - a1 u - sum_k g_k q_k)) written over w, against fp64 references across two halves,
     * a partial block, a SIMD tail, 4-row groups and a single row.
     */
    @Test
    void theProjectSweepMatchesFp64ReferencesAcrossBlocksHalvesAndTails() {
        SplittableRandom rng = new SplittableRandom(46);
        int p = 2 * HostBasis.F32_BLOCK + 1013, n = 13;
        HostBasis.F32 q = new HostBasis.F32(n + 1);
        float[][] rows = new float[n][p];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < p; i++) {
                rows[k][i] = (float) rng.nextGaussian();
            }
            q.keep(k, rows[k]);
        }
        float[] u = new float[p], w = new float[p];
        for (int i = 0; i < p; i++) {
            u[i] = (float) rng.nextGaussian();
            w[i] = (float) rng.nextGaussian();
        }
        double[] g = new double[n];
        for (int k = 0; k < n; k++) {
            g[k] = rng.nextGaussian();
        }
        double a1 = 0.37, sigma = 0.5;
        double[] dw = new double[n], du = new double[n];
        float[] expected = new float[p];
        double tt = 0;
        for (int i = 0; i < p; i++) {
            double z = w[i] - a1 * u[i];
            for (int k = 0; k < n; k++) {
                dw[k] += (double) rows[k][i] * w[i];
                du[k] += (double) rows[k][i] * u[i];
                z -= g[k] * rows[k][i];
            }
            expected[i] = (float) (sigma * z);
            tt += (double) expected[i] * expected[i];
        }
        float[] before = u.clone();
        double[] out = Vectors.project(q, w, u, n, g, a1, sigma);
        for (int k = 0; k < n; k++) {
            assertEquals(dw[k], out[k], 1e-12 * p, "q_" + k + " . w (exact products, fp64 sums)");
            assertEquals(du[k], out[n + k], 1e-12 * p, "q_" + k + " . u");
        }
        for (int i = 0; i < p; i++) {
            assertEquals(expected[i], w[i], Math.ulp(expected[i]), "fp32(sigma (w - a1 u - Q^T g)) at " + i);
            assertEquals(before[i], u[i], 0.0, "u is read only, entry " + i);
        }
        assertEquals(tt, out[2 * n], 1e-12 * tt, "the sum of squares of the stored next vector");
    }

    /**
     * A long run on a spectrum with two well-separated top eigenvalues, where Lanczos without reorthogonalization
     * repeats them (Paige's ghosts) once they converge: with the one-sweep step (reorthogonalization one step late,
     * the basis kept as the applied rows and their pending corrections) each appears once, the kept basis is
     * orthonormal to fp32 rounding, and A q_k = beta_{k-1} q_{k-1} + alpha_k q_k + beta_k q_{k+1} holds for the
     * kept basis and T to the product's rounding.
     */
    @Test
    void aLongRunKeepsOneCopyOfEachConvergedEigenvalueAndTheLanczosRelation() {
        int p = 400, m = 120;
        SplittableRandom rng = new SplittableRandom(47);
        ExplicitOperator dense = ExplicitOperator.withSpectrum(
                Spectra.planted(p, new double[] {20, 18}, 0, 1, rng), rng);
        LanczosResult r = Lanczos.run(fp32(dense, 1), Lanczos.Options.of(m).withKeepBasis(true),
                new SplittableRandom(10));
        int copies20 = 0, copies18 = 0;
        for (double theta : r.ritzValues()) {
            copies20 += Math.abs(theta - 20) < 1e-4 ? 1 : 0;
            copies18 += Math.abs(theta - 18) < 1e-4 ? 1 : 0;
        }
        assertEquals(1, copies20, "Ritz values within 1e-4 of the eigenvalue 20 (a ghost would make 2)");
        assertEquals(1, copies18, "Ritz values within 1e-4 of the eigenvalue 18");
        double[][] q = r.basis();
        double worst = 0, residual = 0;
        double[] aq = new double[p];
        for (int k = 0; k < m; k++) {
            for (int i = 0; i <= k; i++) {
                worst = Math.max(worst, Math.abs(Vectors.dot(q[k], q[i]) - (k == i ? 1 : 0)));
            }
            if (k + 1 < m) {
                dense.apply(q[k], aq);
                for (int i = 0; i < p; i++) {
                    aq[i] -= r.alpha()[k] * q[k][i] + r.beta()[k] * q[k + 1][i] + (k > 0 ? r.beta()[k - 1] * q[k - 1][i] : 0);
                }
                residual = Math.max(residual, Vectors.norm(aq));
            }
        }
        assertTrue(worst < 1e-7, "max |V^T V - I| = " + worst + ", tol 1e-7 (fp32 rounding)");
        assertTrue(residual < 1e-6 * 20, "max_k |A q_k - T's three terms| = " + residual
                + ", tol 1e-6 |A| (fp32 products)");
    }

    /**
     * The fp32 space draws the Rademacher start straight into its array: the signs of {@link Vectors#rademacher}
     * (same generator, same draws), a unit vector, an array of +-2^-k applied as it is stored.
     */
    @Test
    void theRademacherStartHasTheSharedSignsAndUnitNorm() {
        for (int p : new int[] {1000, 1024, 1}) {
            SymmetricOperator a = fp32(ExplicitOperator.of(new double[p][p]), 1);
            HostLanczosSpace32 space = new HostLanczosSpace32(a, 1);
            HostLanczosSpace32.Scaled v = space.rademacher(new SplittableRandom(3));
            double[] signs = Vectors.rademacher(p, new SplittableRandom(3)), host = space.toHost(v);
            for (int i = 0; i < p; i++) {
                assertEquals(signs[i] / Math.sqrt(p), host[i], 1e-15 / Math.sqrt(p), "P = " + p + ", entry " + i);
                assertEquals(Math.abs(v.x[0]), Math.abs(v.x[i]), 0.0, "one magnitude, P = " + p);
            }
            int e = Math.getExponent(v.x[0]);
            assertEquals(Math.scalb(1f, e), Math.abs(v.x[0]), 0f, "a power of two, P = " + p);
            assertEquals(1, space.norm(v), 1e-15, "unit norm, P = " + p);
        }
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
