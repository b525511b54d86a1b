package org.goldstone.meanfield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.junit.jupiter.api.Test;

/** SCIENCE g.16: the U(1) two-input Bessel kernel and its slope at c-hat -> 1. */
class BesselKernelTest {
    private static final BesselKernel RTANH = BesselKernel.of(Radial.of(RadialProfile.RTANH));

    @Test
    void kernelMatchesReferenceValues() {
        double[][] cases = {{0.5, 0.5, 0.5, 0.15372}, {1, 2, 0.8, 0.41933}, {1.5, 1.5, 0.2, 0.10530}};
        for (double[] c : cases) {
            double got = RTANH.k(c[0], c[1], c[2]);
            // the reference has 5 decimals: 1e-4 relative covers its rounding
            assertEquals(c[3], got, 1e-4 * c[3], "K(" + c[0] + ", " + c[1] + ", " + c[2] + ") = " + got
                    + ", reference " + c[3] + ", tol 1e-4 relative");
        }
    }

    @Test
    void kernelAgreesWithMonteCarlo() {
        // |E f(y1) conj f(y2)| for y2 = sqrt(q2) (c g1 + sqrt(1-c^2) g2), g circular standard: 4e5 samples
        SplittableRandom rng = new SplittableRandom(16);
        double q1 = 0.7;
        double q2 = 1.3;
        double c = 0.6;
        int samples = 400_000;
        double re = 0;
        double im = 0;
        double re2 = 0;
        Radial radial = Radial.of(RadialProfile.RTANH);
        for (int s = 0; s < samples; s++) {
            double ar = rng.nextGaussian() * Math.sqrt(0.5);
            double ai = rng.nextGaussian() * Math.sqrt(0.5);
            double br = c * ar + Math.sqrt(1 - c * c) * rng.nextGaussian() * Math.sqrt(0.5);
            double bi = c * ai + Math.sqrt(1 - c * c) * rng.nextGaussian() * Math.sqrt(0.5);
            double h1 = radial.h(q1 * (ar * ar + ai * ai)) * Math.sqrt(q1);
            double h2 = radial.h(q2 * (br * br + bi * bi)) * Math.sqrt(q2);
            double v = h1 * h2 * (ar * br + ai * bi);
            re += v;
            re2 += v * v;
            im += h1 * h2 * (ai * br - ar * bi);
        }
        double mean = re / samples;
        double stderr = Math.sqrt((re2 / samples - mean * mean) / samples);
        double k = RTANH.k(q1, q2, c);
        assertEquals(mean, k, 5 * stderr, "K vs Monte Carlo " + mean + " +- " + stderr);
        assertEquals(0, im / samples, 5 * stderr, "imaginary part of the overlap (phase 0 is conserved)");
    }

    @Test
    void slopeAtNearlyOneEqualsChi1() {
        MeanField mf = MeanField.of(Radial.of(RadialProfile.RTANH), 2);
        for (double s2 : new double[] {1.5, 3.0}) {
            double s = Math.sqrt(s2);
            FixedPoint p = mf.fixedPoint(s);
            double slope = RTANH.cHatSlope(s, p.q(), 0.999);
            assertEquals(p.chi1(), slope, 1e-3, "d c-hat'/dc at c-hat = 0.999, sigma_w^2 = " + s2 + ": " + slope
                    + " vs chi_1 " + p.chi1() + ", tol 1e-3");
            double slopeCloser = RTANH.cHatSlope(s, p.q(), 1 - 1e-6);
            assertEquals(p.chi1(), slopeCloser, 1e-5, "slope at c-hat = 1 - 1e-6 vs chi_1, sigma_w^2 = " + s2);
            double atOne = RTANH.cHatMap(s, p.q(), 1 - 1e-12);
            assertEquals(1, atOne, 1e-10, "c-hat' at c-hat -> 1 at the fixed point");
        }
    }

    @Test
    void kernelIsSymmetricAndConvergedInItsRule() {
        double a = RTANH.k(0.3, 2.5, 0.9);
        double b = RTANH.k(2.5, 0.3, 0.9);
        assertEquals(a, b, 1e-14 * a, "K(q1, q2, c) = K(q2, q1, c)");
        // small c, first order in the overlap (Price's theorem): K(q, q, c) / c -> E[r rho(r)]^2 / q
        double q = 0.8;
        double c = 1e-7;
        double[][] rule = Quadrature.radial(2);
        double m = 0;
        for (int i = 0; i < rule[0].length; i++) {
            double r = Math.sqrt(q) * rule[0][i];
            m += rule[1][i] * r * Math.tanh(r);
        }
        assertEquals(m * m / q, RTANH.k(q, q, c) / c, 1e-9, "K/c at c -> 0 vs E[r rho(r)]^2 / q");
    }

    @Test
    void besselI1eMatchesReferenceValues() {
        // scipy.special.i1e
        double[][] ref = {{0.5, 0.15642080318487173}, {1, 0.2079104153497085}, {5, 0.16397226694454234},
            {19.9, 0.08771710213170608}, {20, 0.08750622218328867}, {20.1, 0.0872968518432016},
            {50, 0.055993123892895395}, {300, 0.02300412204026895}};
        for (double[] r : ref) {
            double got = Bessel.i1e(r[0]);
            assertEquals(r[1], got, 2e-15 * r[1], "I1e(" + r[0] + ") = " + got + ", reference " + r[1]);
        }
        assertEquals(0, Bessel.i1e(0), 0, "I1e(0)");
        assertEquals(0.5e-8 * Math.exp(-1e-8), Bessel.i1e(1e-8), 1e-23,
                "I1e(z) = e^-z z/2 (1 + z^2/8 + ...) at small z");
    }

    @Test
    void badArgumentsNameExpectedAndFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RTANH.k(1, 1, 1));
        assertTrue(e.getMessage().contains("expected 0 <= c < 1, found 1.0"), e.getMessage());
    }
}
