package org.goldstone.meanfield;

/** Exponentially scaled modified Bessel function I1e(z) = exp(-z) I_1(z), double precision, z >= 0. */
final class Bessel {
    /** Series below, asymptotic expansion above: at z = 20 the smallest asymptotic term is ~1e-18. */
    static final double ASYMPTOTIC_Z = 20;

    private Bessel() {
    }

    static double i1e(double z) {
        if (!(z >= 0)) {
            throw new IllegalArgumentException("I1e: expected z >= 0, found " + z);
        }
        if (z <= ASYMPTOTIC_Z) {
            // all terms positive: no cancellation, relative error ~ (terms) * eps
            double t = 0.5 * z;
            double quarter = 0.25 * z * z;
            double s = t;
            for (int m = 0; m < 200 && t > 1e-17 * s; m++) {
                t *= quarter / ((m + 1.0) * (m + 2.0));
                s += t;
            }
            return s * Math.exp(-z);
        }
        // I_1(z) ~ e^z / sqrt(2 pi z) sum_m (-1)^m prod_{j<=m} (4 - (2j-1)^2) / (m! (8z)^m); stop at the smallest term
        double t = 1;
        double s = 1;
        for (int m = 1; m < 200; m++) {
            double odd = 2 * m - 1;
            double next = -t * (4 - odd * odd) / (m * 8 * z);
            if (Math.abs(next) >= Math.abs(t) || Math.abs(next) < 1e-18) {
                s += Math.abs(next) < 1e-18 ? next : 0;
                break;
            }
            t = next;
            s += t;
        }
        return s / Math.sqrt(2 * Math.PI * z);
    }
}
