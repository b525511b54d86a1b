package org.goldstone.diagnostics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.symmetry.ParameterAction;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SCIENCE f.1, f.2: collapsed units are found, and the pair distances agree with the group-average definition. */
class SymmetryBreakingTest {
    private static FeedForwardNet mlp() {
        return FeedForwardNet.of(NetSpec.builder().inputs(3).dense(4, Activation.TANH).hidden(2).readout(3).build());
    }

    private static double[] random(FeedForwardNet net, SplittableRandom rng) {
        double[] theta = Host.gaussian(net.paramCount(), rng);
        for (int p = 0; p < theta.length; p++) {
            theta[p] *= 0.7;
        }
        return theta;
    }

    /** Permutes the units of dense level l of a real MLP: unit perm[j] moves to slot j. */
    private static double[] permuteMlp(FeedForwardNet net, double[] theta, int level, int[] perm) {
        double[] out = theta.clone();
        int n = net.spec().width();
        int in = net.layers().get(level).inputSize(), p0 = net.offset(level);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= in; i++) {                   // i == in: the bias
                out[p0 + j + i * n] = theta[p0 + perm[j] + i * n];
            }
        }
        int rows = net.layers().get(level + 1).outputSize(), q0 = net.offset(level + 1);
        for (int j = 0; j < n; j++) {
            for (int r = 0; r < rows; r++) {
                out[q0 + r + j * rows] = theta[q0 + r + perm[j] * rows];
            }
        }
        return out;
    }

    @Test
    void identicalUnitsOfARealNetCollapse() {
        FeedForwardNet net = mlp();
        double[] theta = random(net, new SplittableRandom(21));
        int level = 1, n = 4;
        // unit 2 := unit 0: incoming row (weights and bias) of dense.1, outgoing column of dense.2
        double[] copied = theta.clone();
        int in = 4, p0 = net.offset(1), q0 = net.offset(2);
        for (int i = 0; i <= in; i++) {
            copied[p0 + 2 + i * n] = copied[p0 + i * n];
        }
        for (int r = 0; r < n; r++) {
            copied[q0 + r + 2 * n] = copied[q0 + r];
        }
        LevelSymmetry s = SymmetryBreaking.level(net, copied, level, 1e-3);
        assertEquals(1, s.collapsedPairs(), "collapsed pairs: " + s);
        assertEquals(3, s.distinctUnits(), "distinct units: " + s);
        assertEquals(0.75, s.degreeOfBreaking(), 0.0, "degree of symmetry breaking: " + s);
        assertArrayEquals(new int[] {0, 1, 0, 2}, s.components(), "components: " + s);
        assertEquals(0.0, s.minPairDelta(), 0.0, "min pair delta of a copied unit");
        for (int l = 0; l <= 2; l++) {
            if (l != level) {
                LevelSymmetry other = SymmetryBreaking.level(net, copied, l, 1e-3);
                assertEquals(4, other.distinctUnits(), "level " + l + " should be untouched: " + other);
            }
        }
        LevelSymmetry generic = SymmetryBreaking.level(net, theta, level, 1e-3);
        assertEquals(4, generic.distinctUnits(), "random units should be distinct: " + generic);
    }

    @Test
    void pairAndPermutationDistancesMatchTheGroupAverage() {
        FeedForwardNet net = mlp();
        double[] theta = random(net, new SplittableRandom(22));
        int level = 1;
        // f.1: swap group {id, (0 2)}: Delta = |theta - Pi theta| = sqrt(D_02 / 2)
        double swap = SymmetryBreaking.groupAverageDistance(theta,
                List.of(theta, permuteMlp(net, theta, level, new int[] {2, 1, 0, 3})));
        double delta = SymmetryBreaking.pairDelta(net, theta, level, 0, 2);
        assertEquals(swap, delta, 1e-13 * swap, "swap distance: group average " + swap + " vs pair formula " + delta);
        // the full permutation group S_4
        List<double[]> orbit = new ArrayList<>();
        permutations(new int[] {0, 1, 2, 3}, 0, p -> orbit.add(permuteMlp(net, theta, level, p)));
        assertEquals(24, orbit.size());
        double full = SymmetryBreaking.groupAverageDistance(theta, orbit);
        double perm = SymmetryBreaking.level(net, theta, level, 1e-3).permutationDelta();
        assertEquals(full, perm, 1e-13 * full, "S_n distance: group average " + full + " vs pair formula " + perm);
    }

    private static void permutations(int[] a, int from, java.util.function.Consumer<int[]> sink) {
        if (from == a.length) {
            sink.accept(a.clone());
            return;
        }
        for (int i = from; i < a.length; i++) {
            int t = a[from];
            a[from] = a[i];
            a[i] = t;
            permutations(a, from + 1, sink);
            a[i] = a[from];
            a[from] = t;
        }
    }

    @ParameterizedTest(name = "level {0}")
    @ValueSource(ints = {0, 1, 3})
    void gaugeRotatedCopiesOfAU1UnitCollapse(int level) {
        int n = 4, depth = 3;
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(3).embed(Group.u1(), n)
                .equivariant(depth, RadialProfile.ALG).readout(3).build());
        SplittableRandom rng = new SplittableRandom(23 + level);
        double[] theta = random(net, rng);
        // copy unit 0 into unit 3 at this level, then give the copy its own phase with the engine's gauge action
        UnitVectors v = UnitVectors.of(net, theta, level);
        double[] copied = theta.clone();
        double[] probe = theta.clone();
        for (int p = 0; p < probe.length; p++) {
            probe[p] = p;                                     // parameter indices, to locate the unit's entries
        }
        UnitVectors index = UnitVectors.of(net, probe, level);
        for (int p = 0; p < v.inRe[0].length; p++) {
            copied[(int) index.inRe[3][p]] = v.inRe[0][p];
            copied[(int) index.inIm[3][p]] = v.inIm[0][p];
        }
        for (int p = 0; p < v.outRe[0].length; p++) {
            copied[(int) index.outRe[3][p]] = v.outRe[0][p];
            copied[(int) index.outIm[3][p]] = v.outIm[0][p];
        }
        ParameterAction.unitPhaseInPlace(net, copied, level, 3, 2.1);
        LevelSymmetry s = SymmetryBreaking.level(net, copied, level, 1e-3);
        double d03 = SymmetryBreaking.pairDistances(net, copied, level)[0][3];
        double scale = v.squaredNorm(0);
        assertTrue(d03 <= 1e-28 * scale, "gauge-aware D_03 of a phase-rotated copy: " + d03 + " (unit norm^2 "
                + scale + ")");
        assertEquals(1, s.collapsedPairs(), "collapsed pairs: " + s);
        assertEquals(3, s.distinctUnits(), "distinct units: " + s);
        // the plain distance of the rotated copy is far from 0
        UnitVectors moved = UnitVectors.of(net, copied, level);
        double plain = 0;
        for (int p = 0; p < moved.inRe[0].length; p++) {
            plain += sq(moved.inRe[0][p] - moved.inRe[3][p]) + sq(moved.inIm[0][p] - moved.inIm[3][p]);
        }
        assertTrue(plain > 1e-2 * scale, "the copy should differ by a phase: plain incoming distance " + plain);
    }

    @Test
    void identicalOkUnitsCollapseAtTheEmbedding() {
        int n = 3, k = 3, d = 2;
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(d).embed(Group.orthogonal(k), n)
                .equivariant(2, RadialProfile.RTANH).readout(2).build());
        double[] theta = random(net, new SplittableRandom(24));
        int e0 = net.offset(0), rows = n * k, w1 = net.offset(2);
        for (int i = 0; i <= d; i++) {
            for (int a = 0; a < k; a++) {
                theta[e0 + a * n + 1 + i * rows] = theta[e0 + a * n + i * rows];      // unit 1 := unit 0
            }
        }
        for (int r = 0; r < n; r++) {
            theta[w1 + r + n] = theta[w1 + r];
        }
        LevelSymmetry s = SymmetryBreaking.level(net, theta, 0, 1e-3);
        assertEquals(2, s.distinctUnits(), "O(3) embedding with a copied unit: " + s);
        assertEquals(0.0, SymmetryBreaking.pairDistances(net, theta, 0)[0][1], 0.0, "D_01 of identical units");
        // a small relative difference stays collapsed below tau and separates above it
        theta[e0 + 1] += 1e-3;
        LevelSymmetry near = SymmetryBreaking.level(net, theta, 0, 1e-3);
        LevelSymmetry strict = SymmetryBreaking.level(net, theta, 0, 1e-9);
        assertEquals(2, near.distinctUnits(), "a 1e-3 perturbation is collapsed at tau 1e-3: " + near);
        assertEquals(3, strict.distinctUnits(), "and distinct at tau 1e-9: " + strict);
    }

    private static double sq(double v) {
        return v * v;
    }
}
