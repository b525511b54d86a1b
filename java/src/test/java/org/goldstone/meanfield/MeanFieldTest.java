package org.goldstone.meanfield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.goldstone.group.Group;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.junit.jupiter.api.Test;

/** SCIENCE g.15: the mean-field solver against the b.1 table, the critical point and the near-critical law. */
class MeanFieldTest {
    /**
     * The b.1 reference table: profile, k, sigma_w^2, q*, radial, tangential, chi_1, dq'/dq (4 decimals), xi_q
     * (2 decimals).
     */
    private static final Object[][] TABLE = {
        {RadialProfile.RTANH, 2, 1.1, 0.0769, 0.9561, 1.0480, 1.0021, 0.9111, 10.74},
        {RadialProfile.RTANH, 2, 1.5, 0.4097, 0.8502, 1.2106, 1.0304, 0.6851, 2.64},
        {RadialProfile.RTANH, 2, 2.0, 0.8567, 0.7833, 1.3716, 1.0775, 0.5317, 1.58},
        {RadialProfile.RTANH, 2, 3.0, 1.7948, 0.7190, 1.6169, 1.1680, 0.3734, 1.02},
        {RadialProfile.RTANH, 4, 1.5, 0.5200, 0.6843, 1.1323, 1.0203, 0.6740, 2.53},
        {RadialProfile.RTANH, 4, 2.0, 1.0555, 0.5322, 1.2234, 1.0506, 0.5093, 1.48},
        {RadialProfile.ALG, 2, 1.5, 0.2941, 0.8499, 1.2059, 1.0279, 0.6998, 2.80},
        {RadialProfile.ALG, 2, 2.0, 0.6412, 0.7798, 1.3588, 1.0693, 0.5596, 1.72},
        {RadialProfile.ALG, 4, 2.0, 0.7872, 0.5407, 1.2128, 1.0448, 0.5407, 1.63},
    };

    /**
     * The same rows to 6 decimals (xi_q to 4) from an independent computation: scipy.integrate.quad over the
     * standardized radius (epsrel 1e-13) and brentq for q*, written for this test.
     */
    private static final double[][] FINE = {
        {0.076870, 0.956125, 1.048026, 1.002075, 0.911057, 10.7354},
        {0.409746, 0.850242, 1.210616, 1.030429, 0.685108, 2.6443},
        {0.856722, 0.783334, 1.371616, 1.077475, 0.531722, 1.5832},
        {1.794826, 0.719044, 1.616938, 1.167991, 0.373392, 1.0151},
        {0.519962, 0.684302, 1.132337, 1.020328, 0.673955, 2.5343},
        {1.055515, 0.532196, 1.223448, 1.050635, 0.509318, 1.4822},
        {0.294145, 0.849921, 1.205855, 1.027888, 0.699843, 2.8019},
        {0.641185, 0.779806, 1.358815, 1.069310, 0.559611, 1.7226},
        {0.787199, 0.540653, 1.212801, 1.044764, 0.540653, 1.6261},
    };

    private static final String[] COLUMNS = {"q*", "radial", "tangential", "chi_1", "dq'/dq", "xi_q"};

    private static double[] values(FixedPoint p) {
        return new double[] {p.q(), p.radialMultiplier(), p.tangentialMultiplier(), p.chi1(), p.chiQ(),
            p.depthScale()};
    }

    private static FixedPoint solve(Object[] row) {
        MeanField mf = MeanField.of(Radial.of((RadialProfile) row[0]), (Integer) row[1]);
        return mf.fixedPoint(Math.sqrt((Double) row[2]));
    }

    @Test
    void reproducesTheB1TableToItsPrintedDigits() {
        for (Object[] row : TABLE) {
            double[] got = values(solve(row));
            for (int c = 0; c < COLUMNS.length; c++) {
                double want = (Double) row[3 + c];
                // the table is rounded: half a unit of its last digit, plus 1e-4 relative
                double tol = (c == 5 ? 0.005 : 0.00005) + 1e-4 * Math.abs(want);
                String what = row[0] + " k = " + row[1] + " sigma_w^2 = " + row[2] + " " + COLUMNS[c];
                assertEquals(want, got[c], tol, what + ": got " + got[c] + ", table " + want + ", tol " + tol);
            }
        }
    }

    @Test
    void reproducesTheIndependentReferenceTo1e4Relative() {
        for (int i = 0; i < TABLE.length; i++) {
            double[] got = values(solve(TABLE[i]));
            for (int c = 0; c < COLUMNS.length; c++) {
                double want = FINE[i][c];
                // the reference carries 6 decimals (xi_q: 4): 1e-4 relative plus its rounding
                double tol = 1e-4 * Math.abs(want) + (c == 5 ? 5e-5 : 5e-7);
                String what = TABLE[i][0] + " k = " + TABLE[i][1] + " sigma_w^2 = " + TABLE[i][2] + " " + COLUMNS[c];
                assertEquals(want, got[c], tol, what + ": got " + got[c] + ", reference " + want + ", tol " + tol);
            }
        }
    }

    @Test
    void fixedPointIsAFixedPointAndSlopeMatchesFiniteDifference() {
        for (Object[] row : TABLE) {
            MeanField mf = MeanField.of(Radial.of((RadialProfile) row[0]), (Integer) row[1]);
            double s = Math.sqrt((Double) row[2]);
            FixedPoint p = mf.fixedPoint(s);
            double residual = Math.abs(mf.map(s, p.q()) - p.q()) / p.q();
            assertTrue(residual < 1e-13, "q* residual " + residual + " for " + row[0] + " k = " + row[1]);
            double h = 1e-5 * p.q();
            double fd = (mf.map(s, p.q() + h) - mf.map(s, p.q() - h)) / (2 * h);
            assertEquals(fd, p.chiQ(), 1e-8, "dq'/dq vs central difference for " + row[0] + " k = " + row[1]);
            assertTrue(p.tangentialMultiplier() >= 1 && p.radialMultiplier() < 1,
                    "b.3: tangential " + p.tangentialMultiplier() + " >= 1 > radial " + p.radialMultiplier());
        }
    }

    @Test
    void radialRuleIntegratesGammaMoments() {
        for (int k = 1; k <= 8; k++) {
            double[][] rule = Quadrature.radial(k);
            double m0 = 0;
            double m1 = 0;
            double m2 = 0;
            double m3 = 0;
            for (int i = 0; i < rule[0].length; i++) {
                double u = rule[0][i] * rule[0][i];
                m0 += rule[1][i];
                m1 += rule[1][i] * u;
                m2 += rule[1][i] * u * u;
                m3 += rule[1][i] * u * u * u;
            }
            // u ~ Gamma(k/2, 2/k): E u = 1, E u^2 = (k+2)/k, E u^3 = (k+2)(k+4)/k^2
            double e3 = (k + 2.0) * (k + 4.0) / (k * k);
            assertEquals(1, m0, 1e-14, "E 1, k = " + k);
            assertEquals(1, m1, 1e-14, "E u, k = " + k);
            assertEquals((k + 2.0) / k, m2, 1e-13, "E u^2, k = " + k);
            assertEquals(e3, m3, 1e-12 * e3, "E u^3, k = " + k);
        }
    }

    @Test
    void criticalPointIsOneOverHZeroSquared() {
        Object[][] cases = {{RadialProfile.ALG, 1.0}, {RadialProfile.RTANH, 1.0}, {RadialProfile.GATE, 4.0}};
        for (Object[] c : cases) {
            Radial radial = Radial.of((RadialProfile) c[0]);
            double want = (Double) c[1];
            for (int k : new int[] {1, 2, 3, 4}) {
                MeanField mf = MeanField.of(radial, k);
                double sc = mf.criticalSigmaW();
                assertEquals(want, sc * sc, 1e-15, c[0] + " sigma_c^2, k = " + k);
                assertEquals(0, mf.fixedPoint(sc * 0.999).q(), 0, c[0] + ": q* below critical");
                assertEquals(0, mf.fixedPoint(sc).q(), 0, c[0] + ": q* at critical");
                double above = mf.fixedPoint(sc * 1.001).q();
                assertTrue(above > 0 && above < 1e-2, c[0] + ": q* just above critical = " + above);
            }
        }
    }

    @Test
    void nearCriticalExpansionWithin3p5PercentAndShrinkingLinearly() {
        for (RadialProfile p : new RadialProfile[] {RadialProfile.RTANH, RadialProfile.ALG, RadialProfile.GATE}) {
            for (int k : new int[] {2, 4}) {
                MeanField mf = MeanField.of(Radial.of(p), k);
                double sc2 = 1 / (mf.radial().h0() * mf.radial().h0());
                double[] eps = {0.08, 0.04, 0.02, 0.01};
                double[] err = new double[eps.length];
                for (int i = 0; i < eps.length; i++) {
                    double s = Math.sqrt(sc2 * (1 + eps[i]));
                    err[i] = Math.abs(mf.nearCriticalQ(s) / mf.orderParameter(s) - 1);
                }
                assertTrue(err[2] < 0.035, p + " k = " + k + ": relative error at sigma_w^2 = 1.02 sigma_c^2 is "
                        + err[2] + ", tolerance 0.035");
                for (int i = 1; i < eps.length; i++) {
                    double ratio = err[i - 1] / err[i];
                    assertTrue(ratio > 1.7 && ratio < 2.3, p + " k = " + k + ": error ratio " + ratio
                            + " between sigma_w^2 - sigma_c^2 = " + eps[i - 1] + " and " + eps[i]
                            + " sigma_c^2, expected ~2 (linear shrinking)");
                }
            }
        }
    }

    @Test
    void depthScalesSymmetricPhaseAndCriticalPowerLaw() {
        MeanField mf = MeanField.of(Radial.of(RadialProfile.RTANH), Group.u1());
        FixedPoint p = mf.fixedPoint(Math.sqrt(0.8));
        assertEquals(0, p.q(), 0, "symmetric phase q*");
        assertEquals(-1 / Math.log(0.8), p.depthScale(), 1e-12, "xi_0 = -1/ln(sigma_w^2 h(0)^2)");
        assertEquals(0.8, p.chi1(), 1e-15, "chi_1 in the symmetric phase");
        double[] orbit = mf.orbit(Math.sqrt(0.8), 1e-6, 50);
        double rate = Math.pow(orbit[50] / orbit[40], 0.1);
        assertEquals(0.8, rate, 1e-5, "per-layer decay of small q below critical");
        double[] crit = mf.orbit(1.0, 1.0, 4000);
        double ratio = crit[4000] / mf.criticalDecay(4000);
        assertEquals(1, ratio, 0.01, "q^l at criticality vs k/(2a(k+2)l) at l = 4000");
        assertEquals(Double.POSITIVE_INFINITY, mf.fixedPoint(1.0).depthScale(), "xi at criticality");
    }
}
