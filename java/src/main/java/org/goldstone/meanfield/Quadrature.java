package org.goldstone.meanfield;

/**
 * Gauss-Legendre rules (nodes by Newton iteration on the three-term recurrence) and the composite rule for the
 * radial expectations of SCIENCE b.1: E_u[g(u)] with u ~ Gamma(k/2, scale 2/k), written as an integral over the
 * standardized radius x = sqrt(u), whose density 2 (k/2)^(k/2) / Gamma(k/2) x^(k-1) exp(-k x^2 / 2) is smooth
 * for every k >= 1 (the Gamma density itself has an x^(-1/2) endpoint singularity at k = 1).
 */
final class Quadrature {
    /** Gauss-Legendre points per panel of the radial rule. */
    static final int RADIAL_NODES = 32;

    private Quadrature() {
    }

    /** Nodes and weights of the n-point Gauss-Legendre rule on [-1, 1], as {nodes, weights}, nodes ascending. */
    static double[][] gaussLegendre(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Gauss-Legendre: expected n >= 1, found " + n);
        }
        if (n == 1) {
            return new double[][] {{0}, {2}};
        }
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n / 2; i++) {
            // Tricomi's initial guess, then Newton on P_n: converges to machine precision in a few steps
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iter = 0; iter < 100; iter++) {
                double[] p = legendre(n, z);
                double step = p[0] / p[1];
                z -= step;
                if (Math.abs(step) < 1e-16) {
                    break;
                }
            }
            double dp = legendre(n, z)[1];
            x[i] = -z;
            x[n - 1 - i] = z;
            w[i] = 2 / ((1 - z * z) * dp * dp);
            w[n - 1 - i] = w[i];
        }
        if (n % 2 == 1) {
            double dp = legendre(n, 0)[1];
            x[n / 2] = 0;
            w[n / 2] = 2 / (dp * dp);
        }
        return new double[][] {x, w};
    }

    /** {P_n(z), P_n'(z)} by the three-term recurrence, |z| < 1. */
    private static double[] legendre(int n, double z) {
        double p0 = 1;
        double p1 = z;
        for (int j = 2; j <= n; j++) {
            double p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p1, n * (z * p1 - p0) / (z * z - 1)};
    }

    /**
     * Composite Gauss-Legendre rule for E_u[g(u)], u ~ Gamma(k/2, scale 2/k), as {x, w} with u = x^2: the sum of
     * w[i] g(x[i]^2) approximates the expectation. The range [0, 1 + 12/sqrt(k)] leaves a tail below 1e-30.
     */
    static double[][] radial(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("radial rule: expected k >= 1, found " + k);
        }
        double top = 1 + 12 / Math.sqrt(k);
        int panels = (int) Math.ceil(top / 0.75);
        double[][] gl = gaussLegendre(RADIAL_NODES);
        double[] x = new double[panels * RADIAL_NODES];
        double[] w = new double[x.length];
        double half = 0.5 * k;
        // log of the normalization 2 (k/2)^(k/2) / Gamma(k/2), folded into the exponent: no overflow at large k
        double logNorm = Math.log(2) + half * Math.log(half) - logGamma(half);
        double width = top / panels;
        for (int p = 0; p < panels; p++) {
            double mid = (p + 0.5) * width;
            for (int i = 0; i < RADIAL_NODES; i++) {
                double xi = mid + 0.5 * width * gl[0][i];
                int j = p * RADIAL_NODES + i;
                x[j] = xi;
                w[j] = 0.5 * width * gl[1][i] * Math.exp(logNorm + (k - 1) * Math.log(xi) - half * xi * xi);
            }
        }
        return new double[][] {x, w};
    }

    /** ln Gamma(x) for x = k/2 > 0: exact recursion to x >= 8, then Stirling's series to y^-13 (error below 1e-15). */
    static double logGamma(double x) {
        double shift = 0;
        double y = x;
        while (y < 8) {
            shift -= Math.log(y);
            y += 1;
        }
        double inv = 1 / y;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 + inv2 * (-1.0 / 360 + inv2 * (1.0 / 1260 + inv2 * (-1.0 / 1680
                + inv2 * (1.0 / 1188 + inv2 * (-691.0 / 360360 + inv2 * (1.0 / 156)))))));
        return shift + (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series;
    }
}
