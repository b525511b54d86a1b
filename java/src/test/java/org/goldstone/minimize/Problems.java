package org.goldstone.minimize;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Test objectives with analytic gradients and Hessian-vector products, and the small linear algebra they need. */
final class Problems {
    private Problems() {
    }

    /** F = x^T A x / 2 - b^T x with A symmetric positive definite: minimizer A^{-1} b. */
    static final class Quadratic implements Objective {
        final double[][] a;
        final double[] b;

        Quadratic(double[][] a, double[] b) {
            this.a = a;
            this.b = b;
        }

        /** A = M^T M / n + shift I with Gaussian M; b Gaussian. */
        static Quadratic random(int n, double shift, SplittableRandom rng) {
            double[][] m = gaussian(n, n, rng);
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += m[k][i] * m[k][j];
                    }
                    a[i][j] = s / n + (i == j ? shift : 0);
                }
            }
            return new Quadratic(a, gaussian(n, rng));
        }

        @Override
        public int dimension() {
            return b.length;
        }

        @Override
        public double valueAndGradient(double[] x, double[] g) {
            double f = 0;
            for (int i = 0; i < b.length; i++) {
                double ax = 0;
                for (int j = 0; j < b.length; j++) {
                    ax += a[i][j] * x[j];
                }
                g[i] = ax - b[i];
                f += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return f;
        }

        @Override
        public void hessianVector(double[] x, double[] v, double[] out) {
            for (int i = 0; i < b.length; i++) {
                double s = 0;
                for (int j = 0; j < b.length; j++) {
                    s += a[i][j] * v[j];
                }
                out[i] = s;
            }
        }
    }

    /** Chained Rosenbrock, F = sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2: global minimum 0 at x = 1. */
    static final class Rosenbrock implements Objective {
        private final int n;

        Rosenbrock(int n) {
            this.n = n;
        }

        @Override
        public int dimension() {
            return n;
        }

        @Override
        public double valueAndGradient(double[] x, double[] g) {
            Arrays.fill(g, 0);
            double f = 0;
            for (int i = 0; i + 1 < n; i++) {
                double r = x[i + 1] - x[i] * x[i];
                double s = 1 - x[i];
                f += 100 * r * r + s * s;
                g[i] += -400 * x[i] * r - 2 * s;
                g[i + 1] += 200 * r;
            }
            return f;
        }

        @Override
        public void hessianVector(double[] x, double[] v, double[] out) {
            Arrays.fill(out, 0);
            for (int i = 0; i + 1 < n; i++) {
                double hii = 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
                double hij = -400 * x[i];
                out[i] += hii * v[i] + hij * v[i + 1];
                out[i + 1] += hij * v[i] + 200 * v[i + 1];
            }
        }
    }

    /**
     * F(x, y, z) = (x^2 + y^2 - 1)^2 + (z - 1)^2 + mu (x^2 + y^2 + z^2) / 2: invariant under rotations in (x, y),
     * minima on the circle x^2 + y^2 = 1 - mu/4, z = 2 / (2 + mu). Hessian there: 0 (tangent), 8 r^2 (radial),
     * 2 + mu (z).
     */
    static final class Circle implements Objective {
        final double mu;

        Circle(double mu) {
            this.mu = mu;
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public double valueAndGradient(double[] t, double[] g) {
            double x = t[0], y = t[1], z = t[2];
            double c = x * x + y * y - 1;
            g[0] = 4 * c * x + mu * x;
            g[1] = 4 * c * y + mu * y;
            g[2] = 2 * (z - 1) + mu * z;
            return c * c + (z - 1) * (z - 1) + 0.5 * mu * (x * x + y * y + z * z);
        }

        @Override
        public void hessianVector(double[] t, double[] v, double[] out) {
            double x = t[0], y = t[1];
            double c = x * x + y * y - 1;
            double hxx = 4 * c + 8 * x * x + mu;
            double hyy = 4 * c + 8 * y * y + mu;
            double hxy = 8 * x * y;
            out[0] = hxx * v[0] + hxy * v[1];
            out[1] = hxy * v[0] + hyy * v[1];
            out[2] = (2 + mu) * v[2];
        }
    }

    /**
     * Symmetric factorization with weight decay, F(W) = |W W^T - S|_F^2 / 4 + mu |W|_F^2 / 2 for W in R^{n x k}
     * (theta[a k + i] = W_ai): invariant under W -> W R for every R in O(k). With S = U diag(sigma) U^T,
     * sigma descending, sigma_k &gt; sigma_{k+1} and sigma_k &gt; mu, the minima are W W^T = sum_{i &lt; k}
     * (sigma_i - mu) u_i u_i^T, W has rank k, the stabilizer is trivial and the orbit O(k) W has dimension
     * k(k-1)/2: exactly that many zero eigenvalues, tangents W E_ab.
     */
    static final class Factorization implements Objective {
        final int n;
        final int k;
        final double mu;
        final double[][] s;
        final double[] sigma;

        Factorization(int k, double mu, double[] sigma, SplittableRandom rng) {
            this.n = sigma.length;
            this.k = k;
            this.mu = mu;
            this.sigma = sigma;
            double[][] u = orthonormalRows(gaussian(n, n, rng));
            this.s = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double acc = 0;
                    for (int i = 0; i < n; i++) {
                        acc += u[i][a] * sigma[i] * u[i][b];
                    }
                    s[a][b] = acc;
                }
            }
        }

        /**
         * The predicted minimum value: (k mu^2 + sum_{i &gt;= k} sigma_i^2) / 4 + mu sum_{i &lt; k} (sigma_i - mu) / 2.
         */
        double minimumValue() {
            double f = 0;
            for (int i = 0; i < n; i++) {
                f += i < k ? 0.25 * mu * mu + 0.5 * mu * (sigma[i] - mu) : 0.25 * sigma[i] * sigma[i];
            }
            return f;
        }

        @Override
        public int dimension() {
            return n * k;
        }

        /** R = W W^T - S. */
        private double[][] residual(double[] w) {
            double[][] r = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double acc = 0;
                    for (int i = 0; i < k; i++) {
                        acc += w[a * k + i] * w[b * k + i];
                    }
                    r[a][b] = acc - s[a][b];
                }
            }
            return r;
        }

        @Override
        public double valueAndGradient(double[] w, double[] g) {
            double[][] r = residual(w);
            double f = 0;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    f += 0.25 * r[a][b] * r[a][b];
                }
            }
            for (int a = 0; a < n; a++) {
                for (int i = 0; i < k; i++) {
                    double acc = 0;
                    for (int b = 0; b < n; b++) {
                        acc += r[a][b] * w[b * k + i];
                    }
                    g[a * k + i] = acc + mu * w[a * k + i];
                    f += 0.5 * mu * w[a * k + i] * w[a * k + i];
                }
            }
            return f;
        }

        /** H V = (V W^T + W V^T) W + R V + mu V. */
        @Override
        public void hessianVector(double[] w, double[] v, double[] out) {
            double[][] r = residual(w);
            double[][] dr = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double acc = 0;
                    for (int i = 0; i < k; i++) {
                        acc += v[a * k + i] * w[b * k + i] + w[a * k + i] * v[b * k + i];
                    }
                    dr[a][b] = acc;
                }
            }
            for (int a = 0; a < n; a++) {
                for (int i = 0; i < k; i++) {
                    double acc = 0;
                    for (int b = 0; b < n; b++) {
                        acc += dr[a][b] * w[b * k + i] + r[a][b] * v[b * k + i];
                    }
                    out[a * k + i] = acc + mu * v[a * k + i];
                }
            }
        }

        /** The k(k-1)/2 orbit tangents W E_ab (a &lt; b), E_ab = e_a e_b^T - e_b e_a^T, flattened. */
        double[][] tangents(double[] w) {
            double[][] t = new double[k * (k - 1) / 2][];
            int m = 0;
            for (int a = 0; a < k; a++) {
                for (int b = a + 1; b < k; b++) {
                    double[] v = new double[n * k];
                    for (int row = 0; row < n; row++) {
                        // (W E_ab)[row, b] = W[row, a], (W E_ab)[row, a] = -W[row, b]
                        v[row * k + b] = w[row * k + a];
                        v[row * k + a] = -w[row * k + b];
                    }
                    t[m++] = v;
                }
            }
            return t;
        }
    }

    static double[] gaussian(int n, SplittableRandom rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = 1.0 - rng.nextDouble();
            double v = rng.nextDouble();
            x[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }
        return x;
    }

    static double[][] gaussian(int rows, int cols, SplittableRandom rng) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = gaussian(cols, rng);
        }
        return m;
    }

    /** Modified Gram-Schmidt (twice) on the rows; returns new orthonormal rows spanning the same space. */
    static double[][] orthonormalRows(double[][] rows) {
        double[][] q = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double[] v = rows[i].clone();
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < i; j++) {
                    double d = VectorMath.dot(q[j], v);
                    for (int c = 0; c < v.length; c++) {
                        v[c] -= d * q[j][c];
                    }
                }
            }
            double norm = VectorMath.norm2(v);
            for (int c = 0; c < v.length; c++) {
                v[c] /= norm;
            }
            q[i] = v;
        }
        return q;
    }

    /** max_i |a_i - b_i|. */
    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
