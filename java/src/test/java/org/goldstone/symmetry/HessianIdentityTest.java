package org.goldstone.symmetry;

import static org.goldstone.tensor.HostVectors.dot;
import static org.goldstone.tensor.HostVectors.norm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SCIENCE g.5 and g.6, the pointwise identities, at random parameters for every group, profile and loss:
 * the Noether constraint |<g, t>| / (|g||t|) < 1e-13; the Hessian identity |H t - expected| / |expected| < 1e-9
 * (H A theta = A g for rotations, -A g for scale/rescale, H 1_A = 0 for translations, the latter relative to
 * |H| |t|); and the Gauss-Newton product annihilates every tangent (relative to |GGN| |t|, < 1e-12).
 */
class HessianIdentityTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String g : new String[] {"U(1)", "O(2)", "O(3)", "O(4)"}) {
            for (RadialProfile p : RadialProfile.values()) {
                for (String loss : new String[] {"ce", "mse"}) {
                    out.add(Arguments.of(NetSpec.builder().inputs(3).embed(Group.parse(g), 3).equivariant(2, p)
                            .sigmaW(1.3).readout(2).build(), loss));
                }
            }
        }
        for (Activation a : new Activation[] {Activation.TANH, Activation.RELU}) {
            for (String loss : new String[] {"ce", "mse"}) {
                out.add(Arguments.of(NetSpec.builder().inputs(3).dense(4, a).hidden(2).sigmaB(0.3).readout(2).build(),
                        loss));
            }
        }
        return out.stream();
    }



    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void identitiesHoldAtRandomParameters(NetSpec spec, String lossName) {
        SplittableRandom rng = new SplittableRandom(13);
        FeedForwardNet net = FeedForwardNet.of(spec);
        int batch = 7;
        double[] x = Host.gaussian(spec.inputs() * batch, rng);
        // CUBIC (h = 1 - q) is unbounded: keep its activations O(1) so the loss stays finite through the layers
        boolean cubic = spec.equivariant() && spec.profile() == RadialProfile.CUBIC;
        for (int i = 0; cubic && i < x.length; i++) {
            x[i] *= 0.2;
        }
        double[] y = new double[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = rng.nextInt(spec.classes());
        }
        try (Host.Problem pr = new Host.Problem(net, x, y, Loss.parse(lossName))) {
            double[] theta = net.initialParameters(rng);
            for (int i = 0; !cubic && i < theta.length; i++) {
                theta[i] += 0.3 * Host.gaussian(1, rng)[0];      // away from the initialization's zero biases
            }
            double[] g = pr.gradient(theta);
            List<Tangent> tangents = Tangents.of(net, theta, g, lossName.equals("ce"));
            int expected = expectedCount(spec, lossName);
            assertEquals(expected, tangents.size(), spec.describe() + " " + lossName + ": number of tangents");
            // |H|_2 estimate for the relative scales: a few power steps
            double[] v = Host.gaussian(theta.length, rng);
            double hNorm = 0, gNorm = 0;
            for (int it = 0; it < 30; it++) {
                double[] hv = pr.hessianVector(theta, v);
                hNorm = norm(hv) / norm(v);
                v = scaled(hv, 1 / norm(hv));
            }
            double[] w = Host.gaussian(theta.length, rng);
            for (int it = 0; it < 30; it++) {
                double[] gw = pr.gaussNewtonVector(theta, w);
                gNorm = norm(gw) / norm(w);
                w = scaled(gw, 1 / norm(gw));
            }
            for (Tangent t : tangents) {
                double tn = norm(t.vector());
                if (tn == 0) {
                    continue;                                      // e.g. a dead unit's empty row
                }
                double cos = Math.abs(dot(g, t.vector())) / (norm(g) * tn);
                assertTrue(cos < 1e-13, () -> t.family() + " " + t.name() + ": |<g, t>| / (|g||t|) = " + cos
                        + " (tolerance 1e-13)");
                double[] ht = pr.hessianVector(theta, t.vector());
                double[] diff = new double[ht.length];
                for (int i = 0; i < ht.length; i++) {
                    diff[i] = ht[i] - t.expected()[i];
                }
                double denom = t.kind() == Tangent.Kind.TRANSLATION ? hNorm * tn : norm(t.expected());
                double res = norm(diff) / Math.max(denom, 1e-300);
                double hn = hNorm;
                assertTrue(res < 1e-9, () -> t.family() + " " + t.name() + ": |H t - expected| / |expected| = " + res
                        + " (tolerance 1e-9), |expected| = " + norm(t.expected()) + ", |H| ~ " + hn);
                double[] gt = pr.gaussNewtonVector(theta, t.vector());
                double ggn = norm(gt) / (gNorm * tn);
                assertTrue(ggn < 1e-12, () -> t.family() + " " + t.name() + ": |GGN t| / (|GGN| |t|) = " + ggn
                        + " (tolerance 1e-12)");
            }
        }
    }

    private static double[] scaled(double[] x, double s) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = s * x[i];
        }
        return out;
    }

    private static int expectedCount(NetSpec spec, String loss) {
        int ce = loss.equals("ce") ? (spec.equivariant() ? spec.features() : spec.width()) + 1 : 0;
        if (!spec.equivariant()) {
            return ce + (spec.activation() == Activation.RELU ? (spec.depth() + 1) * spec.width() : 0);
        }
        int k = spec.symmetry().unitDim();
        boolean u1 = spec.symmetry().label().equals("U(1)");
        int rotations = u1 ? (spec.depth() + 1) * spec.width() : k * (k - 1) / 2;
        int scale = spec.profile() == RadialProfile.PHASE ? (spec.depth() + 1) * spec.width() : 0;
        return rotations + scale + ce;
    }
}
