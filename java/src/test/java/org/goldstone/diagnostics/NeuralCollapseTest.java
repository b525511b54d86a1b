package org.goldstone.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;

/** SCIENCE f.4 on synthetic features with a known answer. */
class NeuralCollapseTest {
    private static final int C = 4, PER_CLASS = 5, DIM = 6;

    /** Class means on a rotated simplex ETF in R^DIM, scaled by 3. */
    private static double[][] etfMeans(SplittableRandom rng) {
        GroupElement q = Group.orthogonal(DIM).sample(rng);
        double[][] mu = new double[C][DIM];
        for (int c = 0; c < C; c++) {
            double[] e = new double[DIM];
            for (int f = 0; f < C; f++) {
                e[f] = 3 * ((f == c ? 1.0 : 0.0) - 1.0 / C);
            }
            for (int f = 0; f < DIM; f++) {
                double s = 0;
                for (int g = 0; g < DIM; g++) {
                    s += q.entry(f, g) * e[g];
                }
                mu[c][f] = s + 1.5;                                 // a common offset: mu_G is not 0
            }
        }
        return mu;
    }

    private static int[] labels() {
        int[] y = new int[C * PER_CLASS];
        for (int b = 0; b < y.length; b++) {
            y[b] = b % C;
        }
        return y;
    }

    private static double[] features(double[][] mu, int[] y, double noise, SplittableRandom rng) {
        double[] h = new double[y.length * DIM];
        double[] z = Host.gaussian(h.length, rng);
        for (int b = 0; b < y.length; b++) {
            for (int f = 0; f < DIM; f++) {
                h[b * DIM + f] = mu[y[b]][f] + noise * z[b * DIM + f];
            }
        }
        return h;
    }

    /** Readout rows = centered class means (column-major C x DIM) and the logits U h. */
    private static double[][] readoutAndLogits(double[][] mu, double[] h, int batch) {
        double[] g = new double[DIM];
        for (int c = 0; c < C; c++) {
            for (int f = 0; f < DIM; f++) {
                g[f] += mu[c][f] / C;
            }
        }
        double[] u = new double[C * DIM];
        for (int c = 0; c < C; c++) {
            for (int f = 0; f < DIM; f++) {
                u[c + f * C] = 0.5 * (mu[c][f] - g[f]);
            }
        }
        double[] logits = new double[C * batch];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < C; c++) {
                double s = 0;
                for (int f = 0; f < DIM; f++) {
                    s += u[c + f * C] * h[b * DIM + f];
                }
                logits[b * C + c] = s;
            }
        }
        return new double[][] {u, logits};
    }

    @Test
    void perfectlyCollapsedFeaturesGiveZeroMetrics() {
        SplittableRandom rng = new SplittableRandom(41);
        double[][] mu = etfMeans(rng);
        int[] y = labels();
        double[] h = features(mu, y, 0.0, rng);
        double[][] ul = readoutAndLogits(mu, h, y.length);
        CollapseMetrics m = NeuralCollapse.of(h, y.length, DIM, y, C, ul[0], ul[1]);
        assertEquals(C, m.classesPresent());
        assertTrue(m.nc1() <= 1e-28, "NC1 of collapsed features: " + m.nc1());
        assertTrue(m.nc2Equinorm() <= 1e-14, "NC2 equinorm of an ETF: " + m.nc2Equinorm());
        assertTrue(m.nc2Equiangularity() <= 1e-14, "NC2 equiangularity of an ETF: " + m.nc2Equiangularity());
        assertTrue(m.nc3() <= 1e-28, "NC3 with the readout on the means: " + m.nc3());
        assertEquals(0.0, m.nc4(), 0.0, "NC4 mismatch fraction");
        for (int c = 0; c < C; c++) {
            for (int c2 = 0; c2 < C; c2++) {
                double expected = c == c2 ? 1.0 : -1.0 / (C - 1);
                assertEquals(expected, m.classCorrelation()[c][c2], 1e-14, "class correlation " + c + "," + c2);
            }
        }
    }

    @Test
    void withinClassNoiseRaisesNc1AsTheDenseFormula() {
        SplittableRandom rng = new SplittableRandom(42);
        double[][] mu = etfMeans(rng);
        int[] y = labels();
        double previous = 0;
        for (double noise : new double[] {0.01, 0.1, 0.5}) {
            double[] h = features(mu, y, noise, new SplittableRandom(43));
            double nc1 = NeuralCollapse.nc1(h, y.length, DIM, y, C);
            double dense = denseNc1(h, y.length, y);
            assertEquals(dense, nc1, 1e-10 * dense, "NC1 at noise " + noise + ": projected " + nc1 + " vs dense pinv "
                    + dense);
            assertTrue(nc1 > previous, "NC1 should grow with the noise: " + nc1 + " after " + previous);
            previous = nc1;
        }
        double[] h = features(mu, y, 0.1, rng);
        double[][] ul = readoutAndLogits(mu, h, y.length);
        CollapseMetrics m = NeuralCollapse.of(h, y.length, DIM, y, C, ul[0], ul[1]);
        assertTrue(m.nc2Equinorm() > 1e-4 && m.nc3() > 1e-6, "noisy means are not an exact ETF: " + m);
    }

    /** (1/C) tr(Sigma_W pinv(Sigma_B)) with dense DIM x DIM matrices (EJML pinv). */
    private static double denseNc1(double[] h, int batch, int[] y) {
        double[][] mean = new double[C][DIM];
        double[] global = new double[DIM];
        int[] count = new int[C];
        for (int b = 0; b < batch; b++) {
            count[y[b]]++;
            for (int f = 0; f < DIM; f++) {
                mean[y[b]][f] += h[b * DIM + f];
                global[f] += h[b * DIM + f] / batch;
            }
        }
        DMatrixRMaj sw = new DMatrixRMaj(DIM, DIM), sb = new DMatrixRMaj(DIM, DIM);
        for (int c = 0; c < C; c++) {
            for (int f = 0; f < DIM; f++) {
                mean[c][f] /= count[c];
            }
            for (int f = 0; f < DIM; f++) {
                for (int g = 0; g < DIM; g++) {
                    sb.add(f, g, (mean[c][f] - global[f]) * (mean[c][g] - global[g]) / C);
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < DIM; f++) {
                for (int g = 0; g < DIM; g++) {
                    sw.add(f, g, (h[b * DIM + f] - mean[y[b]][f]) * (h[b * DIM + g] - mean[y[b]][g]) / batch);
                }
            }
        }
        DMatrixRMaj pinv = new DMatrixRMaj(DIM, DIM), prod = new DMatrixRMaj(DIM, DIM);
        CommonOps_DDRM.pinv(sb, pinv);
        CommonOps_DDRM.mult(sw, pinv, prod);
        return CommonOps_DDRM.trace(prod) / C;
    }

    @Test
    void absentClassesAreLeftOutAndSamplesSortByClass() {
        SplittableRandom rng = new SplittableRandom(44);
        int[] y = {2, 0, 2, 0, 2, 0};
        double[] h = Host.gaussian(y.length * 3, rng);
        CollapseMetrics m = NeuralCollapse.of(h, y.length, 3, y, 4, null, null);
        assertEquals(2, m.classesPresent());
        assertTrue(Double.isNaN(m.classCorrelation()[1][1]) && Double.isNaN(m.nc3()) && Double.isNaN(m.nc4()),
                "absent class and missing readout give NaN: " + m);
        assertTrue(Double.isFinite(m.nc1()), "NC1 over the two present classes: " + m.nc1());
        int[] order = NeuralCollapse.classOrder(y, 4);
        assertEquals("[1, 3, 5, 0, 2, 4]", java.util.Arrays.toString(order));
        double[][] corr = NeuralCollapse.sampleCorrelation(h, y.length, 3, y, 4);
        assertEquals(1.0, corr[2][2], 1e-15, "cosine of a sample with itself");
    }
}
