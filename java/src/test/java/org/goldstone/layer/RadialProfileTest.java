package org.goldstone.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The radial profiles: derivatives against central differences (error relative to max(1, |value|)), the RTANH
 * series branch, critical sigma_w. */
class RadialProfileTest {
    @ParameterizedTest
    @EnumSource(RadialProfile.class)
    void derivativesMatchCentralDifferences(RadialProfile p) {
        Radial r = Radial.of(p);
        for (double q : new double[] {0.003, 0.0099, 0.0101, 0.05, 0.3, 1.0, 2.5, 7.0}) {
            double eps = 1e-6 * Math.max(q, 0.01);
            double dh = (r.h(q + eps) - r.h(q - eps)) / (2 * eps);
            double d2h = (r.dh(q + eps) - r.dh(q - eps)) / (2 * eps);
            double e1 = Math.abs(dh - r.dh(q)) / Math.max(1.0, Math.abs(dh));
            double e2 = Math.abs(d2h - r.d2h(q)) / Math.max(1.0, Math.abs(d2h));
            assertTrue(e1 < 1e-6, () -> p + " h' at q=" + q + ": " + r.dh(q) + " vs FD " + dh);
            assertTrue(e2 < 1e-5,
                    () -> p + " h'' at q=" + q + ": " + r.d2h(q) + " vs FD " + d2h);
        }
    }

    @Test
    void rtanhSeriesMatchesClosedFormAtTheSwitch() {
        Radial r = Radial.of(RadialProfile.RTANH);
        double q = 1e-2;
        double s = Math.sqrt(q);
        double closed = Math.tanh(s) / s;
        // series just below the switch against the closed form just at it: continuity to 2.5e-12 relative
        assertEquals(closed, r.h(q * (1 - 1e-15)), 2.5e-12 * closed);
        assertEquals(1.0, r.h(1e-18), 1e-15, "h(0) = 1 without 0/0");
        assertTrue(Double.isFinite(r.dh(1e-18)) && Double.isFinite(r.d2h(1e-18)), "no cancellation near q = 0");
    }

    @Test
    void criticalSigmaIsOneOverH0() {
        assertEquals(1.0, Radial.of(RadialProfile.ALG).criticalSigmaW(), 0);
        assertEquals(1.0, Radial.of(RadialProfile.RTANH).criticalSigmaW(), 0);
        assertEquals(2.0, Radial.of(RadialProfile.GATE).criticalSigmaW(), 1e-15);   // sigmoid(0) = 1/2
    }
}
