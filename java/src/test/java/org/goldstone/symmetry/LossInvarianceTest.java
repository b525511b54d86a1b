package org.goldstone.symmetry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SCIENCE g.2: the loss is invariant under the parameter action (global group; U(1) per-unit phases). */
class LossInvarianceTest {
    private static Host.Problem problem(FeedForwardNet net, SplittableRandom rng, String loss) {
        int batch = 9;
        double[] x = Host.gaussian(net.spec().inputs() * batch, rng);
        double[] y = new double[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = rng.nextInt(net.spec().classes());
        }
        return new Host.Problem(net, x, y, Loss.parse(loss));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"U(1),ALG,ce", "U(1),RTANH,mse", "O(1),ALG,ce", "O(2),GATE,ce", "O(3),RTANH,mse", "O(4),ALG,ce",
            "O(4),PHASE,mse"})
    void globalActionLeavesLossInvariant(String group, String profile, String loss) {
        SplittableRandom rng = new SplittableRandom(5);
        Group g = Group.parse(group);
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(4).embed(g, 3)
                .equivariant(3, RadialProfile.valueOf(profile)).sigmaW(1.4).readout(3).build());
        try (Host.Problem pr = problem(net, rng, loss)) {
            double[] theta = net.initialParameters(rng);
            double base = pr.loss(theta);
            for (int t = 0; t < 20; t++) {
                GroupElement e = g.sample(rng);
                double[] moved = theta.clone();
                ParameterAction.globalInPlace(net, moved, e);
                double l = pr.loss(moved);
                double rel = Math.abs(l - base) / Math.abs(base);
                assertTrue(rel < 1e-13, () -> group + ": L(g theta) = " + l + " vs L(theta) = " + base
                        + ", relative " + rel + " (tolerance 1e-13) for g = " + e);
            }
            // a non-symmetry (perturbing one weight) must change the loss: the check is not vacuous
            double[] broken = theta.clone();
            broken[0] += 0.1;
            assertTrue(Math.abs(pr.loss(broken) - base) > 1e-6, "perturbing a weight should change the loss");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ALG,ce", "RTANH,mse", "GATE,ce", "MODRELU,ce", "PHASE,mse", "CUBIC,ce"})
    void perUnitPhasesLeaveU1LossInvariant(String profile, String loss) {
        SplittableRandom rng = new SplittableRandom(6);
        int width = 3, depth = 3;
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(4).embed(Group.u1(), width)
                .equivariant(depth, RadialProfile.valueOf(profile)).sigmaW(1.4).readout(3).build());
        try (Host.Problem pr = problem(net, rng, loss)) {
            double[] theta = net.initialParameters(rng);
            double base = pr.loss(theta);
            double[] moved = theta.clone();
            for (int level = 0; level <= depth; level++) {
                for (int j = 0; j < width; j++) {
                    ParameterAction.unitPhaseInPlace(net, moved, level, j, rng.nextDouble(-Math.PI, Math.PI));
                }
            }
            double l = pr.loss(moved);
            double rel = Math.abs(l - base) / Math.abs(base);
            assertTrue(rel < 1e-13, () -> "U(1) gauge with " + profile + ": L = " + l + " vs " + base + ", relative "
                    + rel + " (tolerance 1e-13)");
            double diff = 0;
            for (int i = 0; i < theta.length; i++) {
                diff = Math.max(diff, Math.abs(moved[i] - theta[i]));
            }
            assertTrue(diff > 1e-2, "the gauge transformation should move the parameters");
        }
    }
}
