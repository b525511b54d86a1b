package org.goldstone.diagnostics;

/** Nuclear norms of tiny k x k matrices (the O(k) overlaps of {@link Ranks#diversity}), without allocation. */
final class SmallSvd {
    private static final int MAX_SWEEPS = 60;

    private SmallSvd() {
    }

    /**
     * Sum of the singular values of the row-major k x k matrix {@code a} (modified: used as scratch for k >= 3).
     * k = 1: |a|; k = 2: sqrt(|A|_F^2 + 2 |det A|); k >= 3: one-sided Jacobi (Hestenes), which orthogonalizes the
     * columns to working precision, so the column norms are the singular values.
     */
    static double nuclearNorm(double[] a, int k) {
        if (k == 1) {
            return Math.abs(a[0]);
        }
        if (k == 2) {
            double f2 = a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3];
            return Math.sqrt(f2 + 2 * Math.abs(a[0] * a[3] - a[1] * a[2]));
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < k - 1; p++) {
                for (int q = p + 1; q < k; q++) {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < k; i++) {
                        double x = a[i * k + p], y = a[i * k + q];
                        alpha += x * x;
                        beta += y * y;
                        gamma += x * y;
                    }
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {   // converged; also gamma == 0
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta == 0 ? 1.0 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t), s = c * t;
                    for (int i = 0; i < k; i++) {
                        double x = a[i * k + p], y = a[i * k + q];
                        a[i * k + p] = c * x - s * y;
                        a[i * k + q] = s * x + c * y;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int i = 0; i < k; i++) {
                s += a[i * k + c] * a[i * k + c];
            }
            sum += Math.sqrt(s);
        }
        return sum;
    }
}
