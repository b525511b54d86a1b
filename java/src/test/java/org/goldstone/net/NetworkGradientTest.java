package org.goldstone.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SCIENCE g.3: analytic gradient of whole networks against central differences along random directions. */
class NetworkGradientTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String[] groups = {"U(1)", "O(1)", "O(2)", "O(3)", "O(4)"};
        for (String g : groups) {
            for (RadialProfile p : new RadialProfile[] {RadialProfile.ALG, RadialProfile.RTANH, RadialProfile.GATE,
                    RadialProfile.MODRELU, RadialProfile.PHASE, RadialProfile.CUBIC}) {
                for (String loss : new String[] {"ce", "mse"}) {
                    out.add(Arguments.of(NetSpec.builder().inputs(5).embed(Group.parse(g), 3)
                            .equivariant(3, p).sigmaW(1.3).readout(3).build(), loss));
                }
            }
        }
        for (String recipe : new String[] {"paper", "paper-generic"}) {
            for (String g : new String[] {"U(1)", "O(4)"}) {
                out.add(Arguments.of(NetSpec.builder().inputs(5).embed(Group.parse(g), 3)
                        .equivariant(3, RadialProfile.RTANH).sigmaW(1.5).recipe(recipe).readout(3).build(), "ce"));
            }
        }
        for (Activation a : new Activation[] {Activation.TANH, Activation.RELU}) {
            for (boolean res : new boolean[] {false, true}) {
                for (boolean ln : new boolean[] {false, true}) {
                    out.add(Arguments.of(NetSpec.builder().inputs(5).dense(4, a).hidden(3).residual(res).layerNorm(ln)
                            .sigmaB(0.3).readout(3).build(), "ce"));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void gradientMatchesCentralDifferences(NetSpec spec, String lossName) {
        SplittableRandom rng = new SplittableRandom(11);
        FeedForwardNet net = FeedForwardNet.of(spec);
        int batch = 7;
        double[] x = Host.gaussian(spec.inputs() * batch, rng);
        double[] labels = new double[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextInt(spec.classes());
        }
        try (Host.Problem pr = new Host.Problem(net, x, labels, Loss.parse(lossName))) {
            double[] theta = net.initialParameters(rng);
            double[] g = pr.gradient(theta);
            double eps = 1e-6;
            for (int trial = 0; trial < 3; trial++) {
                double[] v = Host.gaussian(theta.length, rng);
                double[] plus = theta.clone(), minus = theta.clone();
                for (int i = 0; i < theta.length; i++) {
                    plus[i] += eps * v[i];
                    minus[i] -= eps * v[i];
                }
                double fd = (pr.loss(plus) - pr.loss(minus)) / (2 * eps);
                double dot = 0;
                for (int i = 0; i < theta.length; i++) {
                    dot += g[i] * v[i];
                }
                double an = dot;
                double rel = Math.abs(fd - an) / Math.max(1e-8, Math.abs(fd) + Math.abs(an));
                // ReLU/modReLU kinks: the random points are far from them with probability ~1 at this eps
                assertTrue(rel < 1e-7, () -> spec.describe() + " " + lossName + ": directional derivative "
                        + an + " vs central difference " + fd + ", relative error " + rel + " (tolerance 1e-7)");
            }
        }
    }
}
