package org.goldstone.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.symmetry.ParameterAction;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SCIENCE g.19: ranks, effective ranks, NC1-NC4, c-hat diversity and the gauge-aware pair distances are unchanged
 * (1e-12 relative) under the global group and, for U(1), under per-unit phases at every level; random parameters
 * and random inputs, fp64.
 */
class DiagnosticsInvarianceTest {
    private static final double TOL = 1e-12;
    private static final int WIDTH = 4, DEPTH = 3, CLASSES = 3, BATCH = 24;

    private static FeedForwardNet net(Group g) {
        return FeedForwardNet.of(NetSpec.builder().inputs(3).embed(g, WIDTH).equivariant(DEPTH, RadialProfile.ALG)
                .sigmaW(1.4).readout(CLASSES).build());
    }

    /** Initial parameters plus Gaussian noise, so that the embedding bias and every block are generic. */
    private static double[] randomTheta(FeedForwardNet net, SplittableRandom rng) {
        double[] theta = net.initialParameters(rng);
        double[] noise = Host.gaussian(theta.length, rng);
        for (int p = 0; p < theta.length; p++) {
            theta[p] += 0.3 * noise[p];
        }
        return theta;
    }

    private static int[] labels() {
        int[] y = new int[BATCH];
        for (int b = 0; b < BATCH; b++) {
            y[b] = b % CLASSES;
        }
        return y;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"U(1)", "O(1)", "O(2)", "O(3)", "O(4)"})
    void globalGroupLeavesDiagnosticsInvariant(String group) {
        SplittableRandom rng = new SplittableRandom(19);
        Group g = Group.parse(group);
        FeedForwardNet net = net(g);
        double[] theta = randomTheta(net, rng);
        double[] x = Host.gaussian(3 * BATCH, rng);
        int[] y = labels();
        DiagnosticsReport base = Diagnostics.compute(net, theta, x, y);
        for (int t = 0; t < 4; t++) {
            // O(1) = {+1, -1}: take the reflection, so that the action is never the identity
            GroupElement e = g.unitDim() == 1 ? GroupElement.matrix(new double[][] {{-1}}) : g.sample(rng);
            double[] moved = theta.clone();
            ParameterAction.globalInPlace(net, moved, e);
            assertMoved(theta, moved, group + " g = " + e);
            String where = group + " global g = " + e;
            assertSameReport(where, base, Diagnostics.compute(net, moved, x, y));
            assertSameDistances(where, net, theta, moved);
        }
    }

    @Test
    void perUnitPhasesAtEveryLevelLeaveU1DiagnosticsInvariant() {
        SplittableRandom rng = new SplittableRandom(1919);
        FeedForwardNet net = net(Group.u1());
        double[] theta = randomTheta(net, rng);
        double[] x = Host.gaussian(3 * BATCH, rng);
        int[] y = labels();
        DiagnosticsReport base = Diagnostics.compute(net, theta, x, y);
        for (int t = 0; t < 3; t++) {
            double[] moved = theta.clone();
            for (int level = 0; level <= DEPTH; level++) {
                for (int j = 0; j < WIDTH; j++) {
                    ParameterAction.unitPhaseInPlace(net, moved, level, j, rng.nextDouble(-Math.PI, Math.PI));
                }
            }
            ParameterAction.globalInPlace(net, moved, Group.u1().sample(rng));
            assertMoved(theta, moved, "U(1) gauge");
            String where = "U(1) per-unit phases, trial " + t;
            assertSameReport(where, base, Diagnostics.compute(net, moved, x, y));
            assertSameDistances(where, net, theta, moved);
        }
        // one level at a time, so a wrong sign at a single level cannot hide behind the others
        for (int level = 0; level <= DEPTH; level++) {
            double[] moved = theta.clone();
            for (int j = 0; j < WIDTH; j++) {
                ParameterAction.unitPhaseInPlace(net, moved, level, j, rng.nextDouble(-Math.PI, Math.PI));
            }
            assertSameDistances("U(1) phases at level " + level, net, theta, moved);
        }
    }

    @Test
    void plainEuclideanDistanceWouldNotBeGaugeInvariant() {
        // the check above is not vacuous: the gauge moves the unit weights, and a generic change moves the metrics
        SplittableRandom rng = new SplittableRandom(7);
        FeedForwardNet net = net(Group.u1());
        double[] theta = randomTheta(net, rng);
        UnitVectors before = UnitVectors.of(net, theta, 1);
        double[] moved = theta.clone();
        ParameterAction.unitPhaseInPlace(net, moved, 1, 0, 1.0);
        UnitVectors after = UnitVectors.of(net, moved, 1);
        double plainBefore = 0, plainAfter = 0;
        for (int p = 0; p < WIDTH; p++) {
            plainBefore += sq(before.inRe[0][p] - before.inRe[1][p]) + sq(before.inIm[0][p] - before.inIm[1][p]);
            plainAfter += sq(after.inRe[0][p] - after.inRe[1][p]) + sq(after.inIm[0][p] - after.inIm[1][p]);
        }
        double gap = Math.abs(plainAfter - plainBefore) / plainBefore;
        assertTrue(gap > 1e-3, "the per-unit phase should change the plain distance of incoming rows; relative change "
                + gap);
        double[] x = Host.gaussian(3 * BATCH, rng);
        DiagnosticsReport base = Diagnostics.compute(net, theta, x, labels());
        double[] broken = theta.clone();
        broken[net.offset(2)] += 0.5;                        // one internal weight: not a symmetry
        DiagnosticsReport other = Diagnostics.compute(net, broken, x, labels());
        double change = Math.abs(other.levels().get(1).symmetry().permutationDelta()
                - base.levels().get(1).symmetry().permutationDelta());
        double nc1 = Math.abs(other.collapse().nc1() - base.collapse().nc1()) / base.collapse().nc1();
        assertTrue(change > 1e-6 && nc1 > 1e-6, "a generic parameter change should move the diagnostics: "
                + "permutation delta by " + change + ", NC1 by " + nc1 + " (relative)");
    }

    private static double sq(double v) {
        return v * v;
    }

    private static void assertMoved(double[] a, double[] b, String what) {
        double diff = 0;
        for (int p = 0; p < a.length; p++) {
            diff = Math.max(diff, Math.abs(a[p] - b[p]));
        }
        assertTrue(diff > 1e-3, what + " should move the parameters; max change " + diff);
    }

    private static void assertSameDistances(String where, FeedForwardNet net, double[] a, double[] b) {
        for (int l = 0; l <= net.spec().depth(); l++) {
            double[][] da = SymmetryBreaking.pairDistances(net, a, l), db = SymmetryBreaking.pairDistances(net, b, l);
            for (int i = 0; i < da.length; i++) {
                for (int j = i + 1; j < da.length; j++) {
                    close(where + ", level " + l + ", D_" + i + j, da[i][j], db[i][j], 0);
                }
            }
        }
    }

    private static void assertSameReport(String where, DiagnosticsReport a, DiagnosticsReport b) {
        for (int l = 0; l < a.levels().size(); l++) {
            LevelDiagnostics la = a.levels().get(l), lb = b.levels().get(l);
            String at = where + ", level " + l;
            sameRank(at + " features", la.featureRank(), lb.featureRank());
            sameRank(at + " weights", la.weightRank(), lb.weightRank());
            close(at + " c-hat diversity", la.diversity(), lb.diversity(), 0);
            close(at + " NC1", la.nc1(), lb.nc1(), 0);
            LevelSymmetry sa = la.symmetry(), sb = lb.symmetry();
            assertEquals(sa.collapsedPairs(), sb.collapsedPairs(), at + " collapsed pairs");
            assertEquals(sa.distinctUnits(), sb.distinctUnits(), at + " distinct units");
            close(at + " min pair delta", sa.minPairDelta(), sb.minPairDelta(), 0);
            close(at + " permutation delta", sa.permutationDelta(), sb.permutationDelta(), 0);
        }
        sameRank(where + " readout", a.readoutRank(), b.readoutRank());
        CollapseMetrics ca = a.collapse(), cb = b.collapse();
        close(where + " NC1", ca.nc1(), cb.nc1(), 0);
        close(where + " NC2 equinorm", ca.nc2Equinorm(), cb.nc2Equinorm(), 0);
        close(where + " NC2 equiangularity", ca.nc2Equiangularity(), cb.nc2Equiangularity(), 0);
        close(where + " NC3", ca.nc3(), cb.nc3(), 0);
        assertEquals(ca.nc4(), cb.nc4(), where + " NC4");
        for (int c = 0; c < CLASSES; c++) {
            for (int c2 = 0; c2 < CLASSES; c2++) {
                close(where + " class correlation " + c + "," + c2, ca.classCorrelation()[c][c2],
                        cb.classCorrelation()[c][c2], 1.0);     // cosines: scale 1
            }
        }
    }

    private static void sameRank(String what, RankSummary a, RankSummary b) {
        assertEquals(a.rankAt1e3(), b.rankAt1e3(), what + " rank at 1e-3");
        assertEquals(a.rankAt1e6(), b.rankAt1e6(), what + " rank at 1e-6");
        close(what + " effective rank", a.effectiveRank(), b.effectiveRank(), 0);
        close(what + " top singular value", a.topSingularValue(), b.topSingularValue(), 0);
    }

    /** |a - b| <= TOL max(|a|, |b|, scale). */
    private static void close(String what, double a, double b, double scale) {
        assertTrue(Double.isFinite(a) && Double.isFinite(b), what + ": expected finite values, found " + a + " and "
                + b);
        double err = Math.abs(a - b), ref = Math.max(Math.max(Math.abs(a), Math.abs(b)), scale);
        assertTrue(err <= TOL * ref, () -> what + ": " + a + " vs " + b + ", relative difference " + err / ref
                + " (tolerance " + TOL + ")");
    }
}
