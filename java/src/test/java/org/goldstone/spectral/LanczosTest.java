package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;
import org.junit.jupiter.api.Test;

/** Lanczos (SCIENCE d.4) against EJML's dense eigensolver on 100 x 100 matrices (g.18, lesson h.6). */
class LanczosTest {
    private static final int P = 100;

    @Test
    void fullReorthogonalizationWithMEqualsPReproducesEveryEigenvalue() {
        SplittableRandom rng = new SplittableRandom(31);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double[] dense = a.denseEigenvalues();
        LanczosResult r = Lanczos.run(a, P, (double[]) null, rng);
        assertEquals(P, r.steps(), "steps");
        double[] ritz = r.ritzValues();
        for (int i = 0; i < P; i++) {
            assertTrue(Math.abs(ritz[i] - dense[i]) < 1e-8, Spectra.msg("Ritz value " + i, dense[i], ritz[i], 1e-8));
            if (i > 0) {
                assertTrue(ritz[i] >= ritz[i - 1], "Ritz values not ascending at " + i + ": " + ritz[i - 1] + " > "
                        + ritz[i]);
            }
        }
        assertEquals(1.0, Spectra.sum(r.ritzWeights()), 1e-12, "sum of Ritz weights, tol 1e-12");
        assertEquals(List.of(P), r.breakdowns(), "the only breakdown is at exhaustion, step P");
        assertTrue(r.invariant(), "final residual is 0 at step P");
    }

    @Test
    void ritzVectorsAreEigenvectorsAndQuadratureMatchesTheStartVector() {
        SplittableRandom rng = new SplittableRandom(32);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double[] start = Vectors.gaussian(P, rng);
        LanczosResult r = Lanczos.run(a, Lanczos.Options.of(P).withStart(start).withKeepBasis(true), rng);
        double[][] y = r.ritzVectors(0, P - 1);
        double[] ay = new double[P];
        for (int k = 0; k < 2; k++) {
            double theta = r.ritzValues()[k == 0 ? 0 : P - 1];
            a.apply(y[k], ay);
            Vectors.axpyInPlace(-theta, y[k], ay);
            double res = Vectors.norm(ay);
            assertTrue(res < 1e-9, "|A y - theta y| for Ritz pair " + k + " = " + res + ", tol 1e-9");
        }
        // Gauss quadrature is exact for the first moment: sum_i tau_i^2 theta_i = alpha_1 = v.Av / v.v
        double firstMoment = 0;
        for (int i = 0; i < P; i++) {
            firstMoment += r.ritzWeights()[i] * r.ritzValues()[i];
        }
        double[] av = new double[P];
        a.apply(start, av);
        double rayleigh = Vectors.dot(start, av) / Vectors.dot(start, start);
        assertEquals(rayleigh, firstMoment, 1e-12, "first moment of the quadrature vs v.Av/v.v, tol 1e-12");
        double worst = 0;                          // the kept basis is orthonormal
        for (int i = 0; i < P; i++) {
            for (int j = 0; j <= i; j++) {
                double d = Vectors.dot(r.basis()[i], r.basis()[j]) - (i == j ? 1 : 0);
                worst = Math.max(worst, Math.abs(d));
            }
        }
        assertTrue(worst < 1e-12, "max |V^T V - I| = " + worst + ", tol 1e-12");
    }

    /**
     * g.18 / h.6: single-vector Lanczos cannot count a 5-fold zero. In exact arithmetic the cluster is one Ritz value
     * and the run breaks down at step 96 (95 distinct nonzero eigenvalues + one zero direction). In fp64 the rounding
     * noise that lands in the rest of the null space grows back once the first zero Ritz value has converged (Paige's
     * ghost mechanism, which full reorthogonalization suppresses only inside the basis), so 1 to 3 copies appear, never
     * 5; the cluster's total quadrature weight is still |P_0 v|^2 / |v|^2, one Krylov direction's worth.
     */
    @Test
    void plantedFiveFoldZeroIsNotCountedWhenRunToExhaustion() {
        SplittableRandom rng = new SplittableRandom(33);
        double[] lambda = fiveFoldZero(rng);
        ExplicitOperator a = ExplicitOperator.withSpectrum(lambda, rng);
        double[] start = Vectors.rademacher(P, rng);
        LanczosResult r = Lanczos.run(a, Lanczos.Options.of(P).withStart(start)
                .withOnBreakdown(Lanczos.OnBreakdown.STOP), rng);
        assertTrue(r.invariant() && r.breakdowns().size() == 1, "STOP must end at the (single) breakdown, got steps "
                + r.steps() + ", breakdowns " + r.breakdowns());
        int zeros = 0;
        double weight = 0;
        for (int i = 0; i < r.steps(); i++) {
            if (Math.abs(r.ritzValues()[i]) < 1e-8) {
                zeros++;
                weight += r.ritzWeights()[i];
            }
        }
        assertTrue(zeros >= 1 && zeros <= 3, "Ritz values within 1e-8 of 0: " + zeros + " after " + r.steps()
                + " steps; expected 1 (exact arithmetic) to 3 (fp64, h.6), never the multiplicity 5");
        assertEquals(96 + zeros - 1, r.steps(), "Krylov dimension = 95 nonzero + " + zeros + " zero directions");
        double expected = 0;
        for (int k = 0; k < P; k++) {
            if (lambda[k] == 0) {
                double c = Vectors.dot(a.eigenvectors[k], start);
                expected += c * c / P;
            }
        }
        assertEquals(expected, weight, 1e-10, "quadrature weight of the zero cluster = |P_0 v|^2/|v|^2, tol 1e-10");
        double d = Spectra.distanceToSet(Spectra.distinctValues(lambda, 0), r.ritzValues());
        assertTrue(d < 1e-8, "worst distance from a distinct eigenvalue to the Ritz values " + d + ", tol 1e-8");
    }

    @Test
    void restartsReachTheRestOfTheZeroClusterButWithZeroWeight() {
        SplittableRandom rng = new SplittableRandom(34);
        double[] lambda = fiveFoldZero(rng);
        ExplicitOperator a = ExplicitOperator.withSpectrum(lambda, rng);
        double[] start = Vectors.rademacher(P, rng);
        LanczosResult r = Lanczos.run(a, P, start, rng);
        assertEquals(P, r.steps(), "steps with restarts");
        double weighted = 0;
        int zeros = 0;
        for (int i = 0; i < P; i++) {
            if (Math.abs(r.ritzValues()[i]) < 1e-8) {
                zeros++;
                weighted += r.ritzWeights()[i];
            }
        }
        assertEquals(5, zeros, "restarts span the rest of the null space; breakdowns at " + r.breakdowns());
        double expected = 0;                       // the cluster's weight is |P_0 v|^2 / |v|^2 of the start alone
        for (int k = 0; k < P; k++) {
            if (lambda[k] == 0) {
                double c = Vectors.dot(a.eigenvectors[k], start);
                expected += c * c / P;
            }
        }
        assertEquals(expected, weighted, 1e-10, "quadrature weight of the zero cluster, tol 1e-10");
        assertEquals(1.0, Spectra.sum(r.ritzWeights()), 1e-12, "sum of weights, tol 1e-12");
    }

    @Test
    void breakdownAfterThreeStepsRestartsAndStaysCorrect() {
        SplittableRandom rng = new SplittableRandom(35);
        int p = 30;
        ExplicitOperator a = ExplicitOperator.threeValued(p, rng);
        double[] lambda = a.spectrum;
        double[] start = Vectors.rademacher(p, rng);
        LanczosResult r = Lanczos.run(a, Lanczos.Options.of(12).withStart(start).withKeepBasis(true), rng);
        assertEquals(12, r.steps(), "steps");
        assertEquals(List.of(3, 6, 9, 12), r.breakdowns(), "a 3-valued spectrum exhausts each Krylov space in 3 steps");
        double[] distinct = {-1, 2, 5};
        double d = Spectra.distanceToSet(r.ritzValues(), distinct);
        assertTrue(d < 1e-10, "worst distance from a Ritz value to {-1, 2, 5}: " + d + ", tol 1e-10");
        // weight on each eigenvalue = |P_lambda v|^2 / |v|^2 of the start vector; restart blocks carry none
        for (double mu : distinct) {
            double expected = 0;
            for (int k = 0; k < p; k++) {
                if (lambda[k] == mu) {
                    double c = Vectors.dot(a.eigenvectors[k], start);
                    expected += c * c / p;
                }
            }
            double got = 0;
            for (int i = 0; i < r.steps(); i++) {
                got += Math.abs(r.ritzValues()[i] - mu) < 1e-8 ? r.ritzWeights()[i] : 0;
            }
            assertEquals(expected, got, 1e-10, "quadrature weight at " + mu + ", tol 1e-10");
        }
        double worst = 0;                          // restart vectors are orthogonal to the basis
        for (int i = 0; i < r.steps(); i++) {
            for (int j = 0; j < i; j++) {
                worst = Math.max(worst, Math.abs(Vectors.dot(r.basis()[i], r.basis()[j])));
            }
        }
        assertTrue(worst < 1e-12, "max |v_i . v_j| after restarts " + worst + ", tol 1e-12");
        LanczosResult stop = Lanczos.run(a, Lanczos.Options.of(10).withStart(start)
                .withOnBreakdown(Lanczos.OnBreakdown.STOP), rng);
        assertEquals(3, stop.steps(), "STOP ends the run at the first breakdown");
    }

    @Test
    void withoutReorthogonalizationTheFirstStepsAgreeWithFull() {
        SplittableRandom rng = new SplittableRandom(36);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double[] start = Vectors.rademacher(P, rng);
        LanczosResult full = Lanczos.run(a, 8, start, rng);
        LanczosResult none = Lanczos.run(a, Lanczos.Options.of(8).withStart(start)
                .withReorthogonalization(Reorthogonalization.NONE), rng);
        for (int j = 0; j < 8; j++) {
            assertEquals(full.alpha()[j], none.alpha()[j], 1e-10, "alpha_" + (j + 1) + ", tol 1e-10");
            assertEquals(full.beta()[j], none.beta()[j], 1e-10, "beta_" + (j + 1) + ", tol 1e-10");
        }
        assertTrue(!none.hasBasis(), "NONE without keepBasis stores no basis");
        assertThrows(GoldstoneException.class, () -> none.ritzVectors(0));
    }

    @Test
    void nonFiniteProductNamesTheStepAndKeepsCompletedSteps() {
        SplittableRandom rng = new SplittableRandom(37);
        ExplicitOperator a = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        double[] start = Vectors.rademacher(P, rng);
        NonFiniteProbeException e = assertThrows(NonFiniteProbeException.class,
                () -> Lanczos.run(Spectra.nanOnCall(a, 7), 20, start, rng));
        assertEquals(7, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("Lanczos at step 7") && e.getMessage().contains("entry 3"), e.getMessage());
        LanczosResult partial = e.partial(LanczosResult.class);
        LanczosResult clean = Lanczos.run(a, 6, start, rng);
        assertEquals(6, partial.steps(), "completed steps in the partial result");
        for (int j = 0; j < 6; j++) {
            assertEquals(clean.alpha()[j], partial.alpha()[j], 0.0, "partial alpha_" + (j + 1));
        }
        assertThrows(GoldstoneException.class, () -> e.partial(PowerIteration.Result.class));
    }

    @Test
    void symmetryThresholdRejectsANonSymmetricOperator() {
        SplittableRandom rng = new SplittableRandom(38);
        double[][] m = new double[20][20];
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 20; j++) {
                m[i][j] = rng.nextGaussian();
            }
        }
        GoldstoneException e = assertThrows(GoldstoneException.class, () -> Lanczos.run(ExplicitOperator.of(m),
                Lanczos.Options.of(5).withSymmetryThreshold(1e-8), rng));
        assertTrue(e.getMessage().startsWith("operator is not symmetric"), e.getMessage());
    }

    @Test
    void invalidArgumentsNameExpectedAndActual() {
        ExplicitOperator a = ExplicitOperator.withSpectrum(new double[] {1, 2, 3}, new SplittableRandom(39));
        GoldstoneException e = assertThrows(GoldstoneException.class,
                () -> Lanczos.run(a, 3, new double[] {1, 2}, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("P = 3") && e.getMessage().contains("got 2"), e.getMessage());
        assertThrows(GoldstoneException.class, () -> Lanczos.run(a, 0, (double[]) null, new SplittableRandom(1)));
        assertThrows(GoldstoneException.class, () -> Lanczos.run(a, 3, new double[3], new SplittableRandom(1)));
    }

    /** 5 zeros and 95 distinct values with |lambda| in [0.5, 10]. */
    static double[] fiveFoldZero(SplittableRandom rng) {
        double[] nonzero = Spectra.distinct(95, 0.5, 10, rng);
        double[] lambda = new double[P];
        for (int i = 0; i < 95; i++) {
            lambda[i] = i % 4 == 0 ? -nonzero[i] : nonzero[i];
        }
        Spectra.shuffle(lambda, rng);
        return lambda;
    }

    /**
     * An operator that rounds its input to fp32 (as an fp32 Hessian does) gets an fp32 basis, reorthogonalized one
     * step late (HostLanczosSpace32): each fp32 array that was applied is, up to an fp64 scale, its basis vector
     * plus rounding-level components along the earlier ones (the pending correction, removed in place by the next
     * step); coefficients stay fp64. The kept basis is orthonormal to fp32-rounding level (the rounding of one vector
     * is nearly orthogonal to the others: about 1e-8 / sqrt(P)) and the Ritz values match the dense eigenvalues of
     * the matrix as well as fp32 input and products allow.
     */
    @Test
    void fp32InputOperatorKeepsAnFp32BasisThatStaysOrthonormal() {
        SplittableRandom rng = new SplittableRandom(36);
        ExplicitOperator dense = ExplicitOperator.withSpectrum(Spectra.distinct(P, -2, 10, rng), rng);
        List<float[]> applied = new ArrayList<>();
        SymmetricOperator a = new SymmetricOperator() {
            @Override
            public int dimension() {
                return P;
            }

            @Override
            public void apply(double[] v, double[] out) {
                double[] rounded = new double[P];
                for (int i = 0; i < P; i++) {
                    rounded[i] = (float) v[i];
                }
                dense.apply(rounded, out);
            }

            @Override
            public void apply(float[] v, float[] out) {
                applied.add(v.clone());
                SymmetricOperator.super.apply(v, out);
            }

            @Override
            public org.goldstone.tensor.DType inputPrecision() {
                return org.goldstone.tensor.DType.F32;
            }
        };
        LanczosResult r = Lanczos.run(a, Lanczos.Options.of(60).withKeepBasis(true), rng);
        double[][] v = r.basis();
        assertEquals(v.length, applied.size(), "one product per basis vector");
        double worst = 0;
        double drift = 0;
        for (int i = 0; i < v.length; i++) {
            double[] u = new double[P];
            float[] f = applied.get(i);
            for (int k = 0; k < P; k++) {
                u[k] = f[k];
            }
            double uu = Vectors.dot(u, u), along = 0;
            for (int j = 0; j < i; j++) {
                double c = Vectors.dot(v[j], u);
                along += c * c;
                for (int k = 0; k < P; k++) {
                    u[k] -= c * v[j][k];
                }
            }
            drift = Math.max(drift, Math.sqrt(along / uu));
            double s = Vectors.dot(u, v[i]) / Vectors.dot(u, u), top = 0, off = 0;
            for (int k = 0; k < P; k++) {
                top = Math.max(top, Math.abs(v[i][k]));
                off = Math.max(off, Math.abs(s * u[k] - v[i][k]));
            }
            assertTrue(off <= 1e-6 * top, "basis vector " + i + " vs the applied fp32 vector less its components"
                    + " along the earlier ones, scaled: max error " + off + ", tol 1e-6 x " + top);
            for (int j = 0; j <= i; j++) {
                worst = Math.max(worst, Math.abs(Vectors.dot(v[i], v[j]) - (i == j ? 1 : 0)));
            }
        }
        assertTrue(drift > 0 && drift < 1e-5, "relative size of the pending corrections (the applied vectors'"
                + " components along the earlier basis vectors): " + drift + ", expected rounding level, < 1e-5");
        assertTrue(worst < 1e-7, "max |V^T V - I| = " + worst + ", tol 1e-7 (fp32 rounding of the basis)");
        double[] exact = dense.denseEigenvalues();
        double[] ritz = r.ritzValues();
        assertEquals(exact[P - 1], ritz[ritz.length - 1], 1e-5, "largest Ritz value vs dense, tol 1e-5");
        assertEquals(exact[0], ritz[0], 1e-5, "smallest Ritz value vs dense, tol 1e-5");
    }

    /**
     * The step after a restart is a fused least-squares step too, so it records the restart vector's Gram column:
     * without it (the column left at 0, read as G_jj - 1 = -1) every later step mis-corrected its coefficient along
     * the restart vector, and with products that carry rounding noise (here rounded to fp32) the basis lost
     * orthogonality to 1e-7 against that vector. diag(-1, 2, 4) from a +-1 start breaks down at step 3.
     */
    @Test
    void stepsAfterARestartKeepTheBasisOrthonormal() {
        ExplicitOperator diag = ExplicitOperator.of(Spectra.minusOneTwoFour(30));
        SymmetricOperator a = new SymmetricOperator() {
            @Override
            public int dimension() {
                return diag.dimension();
            }

            @Override
            public void apply(double[] v, double[] out) {
                diag.apply(v, out);
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) out[i];                     // rounding noise on every product
                }
            }
        };
        LanczosResult r = Spectra.runFromSigns(a, 12, 44);
        assertEquals(3, r.breakdowns().get(0), "the Krylov space of the start vector has dimension 3");
        double[][] q = r.basis();
        double worst = 0;
        for (int i = 0; i < q.length; i++) {
            for (int j = 0; j <= i; j++) {
                worst = Math.max(worst, Math.abs(Vectors.dot(q[i], q[j]) - (i == j ? 1 : 0)));
            }
        }
        assertTrue(worst < 1e-12, "max |V^T V - I| = " + worst + ", tol 1e-12 (fp64 basis)");
    }
}
