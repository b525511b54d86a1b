package org.goldstone.conservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.symmetry.Tangent;
import org.goldstone.symmetry.Tangents;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sets of e.1/e.5: counts, agreement with {@link Tangents}, and the gradient constraints at random theta. */
class SymmetrySetsTest {
    static NetSpec spec(String model) {
        switch (model) {
            case "relu":
                return NetSpec.builder().inputs(3).dense(4, Activation.RELU).hidden(1).sigmaB(0.3).readout(2).build();
            case "phase-u1":
                return NetSpec.builder().inputs(3).embed(Group.u1(), 3).equivariant(2, RadialProfile.PHASE)
                        .readout(2).build();
            default:
                return NetSpec.builder().inputs(3).embed(Group.orthogonal(3), 2).equivariant(1, RadialProfile.PHASE)
                        .readout(3).build();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "phase-u1", "phase-o3"})
    void setsAreTheSupportsOfTheScaleAndTranslationTangents(String model) {
        FeedForwardNet net = FeedForwardNet.of(spec(model));
        int p = net.paramCount();
        double[] theta = Host.gaussian(p, new SplittableRandom(1));   // no zero entry: supports are exact
        List<SymmetrySet> sets = SymmetrySets.of(net, true);
        List<Tangent> tangents = new ArrayList<>();
        for (Tangent t : Tangents.of(net, theta, new double[p], true)) {
            if (t.kind() != Tangent.Kind.ROTATION) {
                tangents.add(t);
            }
        }
        assertEquals(tangents.size(), sets.size(), () -> model + ": tangents " + tangents.size() + ", sets " + sets);
        for (int i = 0; i < sets.size(); i++) {
            SymmetrySet s = sets.get(i);
            // the generator applied to theta: +theta on A (A1), -theta on A2; 1 on A for translations
            double[] expected = new double[p];
            for (int q : s.indices()) {
                expected[q] = s.kind() == SymmetrySet.Kind.TRANSLATION ? 1.0 : theta[q];
            }
            for (int q : s.outgoing()) {
                expected[q] = -theta[q];
            }
            int ii = i;
            assertTrue(Arrays.equals(expected, tangents.get(i).vector()), () -> model + " set " + ii + " " + s
                    + " differs from tangent " + tangents.get(ii).family() + " " + tangents.get(ii).name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "phase-u1", "phase-o3"})
    void gradientConstraintsHoldAtRandomTheta(String model) {
        SplittableRandom rng = new SplittableRandom(2);
        FeedForwardNet net = FeedForwardNet.of(spec(model));
        int batch = 16;
        double[] labels = new double[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = rng.nextInt(net.spec().classes());
        }
        try (Host.Problem prob = new Host.Problem(net, Host.gaussian(3 * batch, rng), labels, Loss.parse("ce"))) {
            double[] theta = Host.gaussian(net.paramCount(), rng);
            double[] g = prob.gradient(theta);
            double gNorm = Math.sqrt(s2(g, null));
            for (SymmetrySet s : SymmetrySets.of(net, true)) {
                // g.5's metric |<g, t>| / (|g| |t|), t = 1_A (translation), theta_A (scale), theta_A1 - theta_A2
                double value, tNorm;
                if (s.kind() == SymmetrySet.Kind.TRANSLATION) {
                    value = 0;
                    for (int q : s.indices()) {
                        value += g[q];
                    }
                    tNorm = Math.sqrt(s.indices().length);
                } else {
                    value = s.form(g, theta);
                    tNorm = Math.sqrt(s2(theta, s.indices()) + s2(theta, s.outgoing()));
                }
                double cos = Math.abs(value) / (gNorm * tNorm);
                assertTrue(cos <= 1e-13, () -> model + " " + s.kind() + " " + s.name() + ": |<g, t>| / (|g| |t|) = "
                        + cos + " (tolerance 1e-13)");
            }
        }
    }

    /** Sum of squares of x over the indices (all when null). */
    static double s2(double[] x, int[] indices) {
        double s = 0;
        if (indices == null) {
            for (double v : x) {
                s += v * v;
            }
            return s;
        }
        for (int q : indices) {
            s += x[q] * x[q];
        }
        return s;
    }

    @Test
    void netsWithoutTheSymmetryGetNoSet() {
        NetSpec tanh = NetSpec.builder().inputs(3).dense(4, Activation.TANH).hidden(1).readout(2).build();
        assertEquals(5, SymmetrySets.of(FeedForwardNet.of(tanh), true).size(), "tanh MLP: 4 + 1 translations only");
        assertEquals(0, SymmetrySets.of(FeedForwardNet.of(tanh), false).size(), "tanh MLP with MSE: none");
        NetSpec alg = NetSpec.builder().inputs(3).embed(Group.u1(), 3).equivariant(1, RadialProfile.ALG).readout(2)
                .build();
        assertEquals(0, SymmetrySets.of(FeedForwardNet.of(alg), false).size(), "ALG U(1) with MSE: none");
        NetSpec broken = NetSpec.builder().inputs(3).embed(Group.u1(), 3).equivariant(1, RadialProfile.PHASE)
                .explicitBreaking(0.1).readout(2).build();
        List<SymmetrySet> sets = SymmetrySets.of(FeedForwardNet.of(broken), false);
        assertEquals(3, sets.size(), () -> "PHASE with a level-1 breaking bias: level 0 only, found " + sets);
    }
}
