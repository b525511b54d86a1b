package org.goldstone.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;

/** SCIENCE f.3 on matrices with known answers. */
class RanksTest {
    @Test
    void numericalAndEffectiveRankOfKnownSpectra() {
        double[] flat = {2, 2, 2, 0, 0};
        assertEquals(3, Ranks.numericalRank(flat, 1e-3));
        assertEquals(3.0, Ranks.effectiveRank(flat), 1e-15, "three equal singular values");
        double[] decaying = {1, 1e-4, 1e-7};
        assertEquals(1, Ranks.numericalRank(decaying, 1e-3));
        assertEquals(2, Ranks.numericalRank(decaying, 1e-6));
        double p = 1 / (1 + 1e-4 + 1e-7), q = 1e-4 * p, r = 1e-7 * p;
        double expected = Math.exp(-(p * Math.log(p) + q * Math.log(q) + r * Math.log(r)));
        assertEquals(expected, Ranks.effectiveRank(decaying), 1e-15 * expected);
        assertEquals(0, Ranks.numericalRank(new double[] {0, 0}, 1e-3));
        assertEquals(0.0, Ranks.effectiveRank(new double[] {0, 0}), 0.0);
    }

    @Test
    void rankDeficientFeaturesHaveTheirRankAfterCentering() {
        SplittableRandom rng = new SplittableRandom(31);
        int batch = 20, dim = 10, rank = 3;
        double[] a = Host.gaussian(batch * rank, rng), b = Host.gaussian(rank * dim, rng);
        double[] offset = Host.gaussian(dim, rng);
        double[] h = new double[batch * dim];
        for (int s = 0; s < batch; s++) {
            for (int f = 0; f < dim; f++) {
                double v = 10 * offset[f];                        // a common offset: removed by the centering
                for (int t = 0; t < rank; t++) {
                    v += a[s * rank + t] * b[t * dim + f];
                }
                h[s * dim + f] = v;
            }
        }
        RankSummary r = Ranks.featureRank(h, batch, dim);
        assertEquals(rank, r.rankAt1e3(), "rank at 1e-3 of a centered rank-3 matrix: " + r);
        assertEquals(rank, r.rankAt1e6(), "rank at 1e-6: " + r);
        assertTrue(r.effectiveRank() > 1 && r.effectiveRank() < rank + 1e-9, "effective rank: " + r);
        assertEquals(Math.min(batch, dim), r.size());
    }

    @Test
    void singularValuesMatchAKnownMatrix() {
        // diag(3, 2) with a column of zeros, row-major 2 x 3; then a rotated copy
        double[] s = Ranks.singularValues(new double[] {0, 3, 0, 2, 0, 0}, 2, 3);
        assertEquals(3.0, s[0], 1e-15);
        assertEquals(2.0, s[1], 1e-15);
    }

    @Test
    void diversityIsOneForInputsOnOneOrbit() {
        SplittableRandom rng = new SplittableRandom(32);
        int n = 5;
        // U(1): the second sample is e^{i a} times the first; the third is the first again
        double[] z = Host.gaussian(2 * n, rng);
        double[] u1 = new double[3 * 2 * n];
        System.arraycopy(z, 0, u1, 0, 2 * n);
        System.arraycopy(z, 0, u1, 2 * n, 2 * n);
        System.arraycopy(z, 0, u1, 4 * n, 2 * n);
        double[] second = java.util.Arrays.copyOfRange(u1, 2 * n, 4 * n);
        GroupElement.phase(1.3).actInPlace(second, n, 1);
        System.arraycopy(second, 0, u1, 2 * n, 2 * n);
        double d = Ranks.diversity(u1, 3, n, 2, true);
        assertEquals(1.0, d, 1e-14, "U(1) c-hat of phase-rotated copies");
        // O(3): the second sample is R times the first (R with det -1 allowed)
        int k = 3;
        double[] y = Host.gaussian(k * n, rng);
        double[] ok = new double[2 * k * n];
        System.arraycopy(y, 0, ok, 0, k * n);
        System.arraycopy(y, 0, ok, k * n, k * n);
        double[] rotated = java.util.Arrays.copyOfRange(ok, k * n, 2 * k * n);
        Group.orthogonal(k).sample(rng).actInPlace(rotated, n, 1);
        System.arraycopy(rotated, 0, ok, k * n, k * n);
        assertEquals(1.0, Ranks.diversity(ok, 2, n, k, false), 1e-14, "O(3) c-hat of rotated copies");
        // real features: a negated copy has |c| = 1
        double[] real = new double[2 * n];
        for (int j = 0; j < n; j++) {
            real[j] = y[j];
            real[n + j] = -y[j];
        }
        assertEquals(1.0, Ranks.diversity(real, 2, n, 1, false), 1e-14, "real c-hat of a negated copy");
        // independent wide samples are far from one orbit
        int wide = 400;
        double[] indep = Host.gaussian(6 * 2 * wide, rng);
        double di = Ranks.diversity(indep, 6, wide, 2, true);
        assertTrue(di < 0.2, "c-hat of independent samples of width " + wide + ": " + di);
    }

    @Test
    void nuclearNormOfSmallMatricesMatchesTheSvd() {
        SplittableRandom rng = new SplittableRandom(33);
        for (int k = 1; k <= 5; k++) {
            double[] a = Host.gaussian(k * k, rng);
            double[] s = Ranks.singularValues(a, k, k);
            double expected = 0;
            for (double x : s) {
                expected += x;
            }
            double got = SmallSvd.nuclearNorm(a.clone(), k);
            assertEquals(expected, got, 1e-13 * expected, "nuclear norm, k = " + k);
        }
    }

    @Test
    void weightRankOfARankOneComplexLayer() {
        int n = 4;
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(3).embed(Group.u1(), n)
                .equivariant(2, RadialProfile.ALG).readout(3).build());
        SplittableRandom rng = new SplittableRandom(34);
        double[] theta = net.initialParameters(rng);
        // W_1 = a b^T with complex a, b: complex rank 1 (its real 2n x 2n form has rank 2)
        double[] a = Host.gaussian(2 * n, rng), b = Host.gaussian(2 * n, rng);
        int w0 = net.offset(2);
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                theta[w0 + r + c * n] = a[r] * b[c] - a[n + r] * b[n + c];
                theta[w0 + n * n + r + c * n] = a[r] * b[n + c] + a[n + r] * b[c];
            }
        }
        RankSummary w = Ranks.weightRank(net, theta, 1);
        assertEquals(1, w.rankAt1e6(), "complex rank of a b^T: " + w);
        assertEquals(1.0, w.effectiveRank(), 1e-12, "effective rank of a b^T: " + w);
        RankSummary generic = Ranks.weightRank(net, theta, 2);
        assertEquals(n, generic.rankAt1e6(), "random W_2: " + generic);
        RankSummary embed = Ranks.weightRank(net, theta, 0);
        assertEquals(3, embed.rankAt1e6(), "embedding n x d = 4 x 3: " + embed);
    }
}
