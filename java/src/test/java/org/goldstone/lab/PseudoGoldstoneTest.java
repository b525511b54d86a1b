package org.goldstone.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.data.Dataset;
import org.goldstone.group.Group;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.minimize.Polish;
import org.goldstone.minimize.Result;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.junit.jupiter.api.Test;

/**
 * SCIENCE g.11 (d.8 step 6): a fixed internal bias eps * c at level 1 of the U(1) toy breaks the level-1 phase gauge
 * (and the global U(1)); the level-0 gauge survives. Following the minimum from eps = 0.1 down, the zero count drops
 * from 6 to 3, the three lifted (pseudo-Goldstone) eigenvalues fall monotonically with eps, and their log-log slopes
 * between eps = 1e-2 and 3e-3 lie in [0.8, 1.2].
 */
class PseudoGoldstoneTest {
    @Test
    void explicitBreakingLiftsThreeModesLinearlyInEps() {
        double[] eps = {0.1, 0.03, 0.01, 0.003};
        double[][] lifted = new double[eps.length][];
        Dataset data = TinyNetLab.gaussianData(300, 3, 2, 7);
        double[] theta = null;
        try (CpuBackend be = new CpuBackend(1)) {
            for (int e = 0; e < eps.length; e++) {
                NetSpec spec = NetSpec.builder().inputs(3).embed(Group.u1(), 3).equivariant(1, RadialProfile.ALG)
                        .explicitBreaking(eps[e]).readout(2).build();
                FeedForwardNet net = FeedForwardNet.of(spec);
                if (theta == null) {
                    theta = net.initialParameters(new SplittableRandom(8));
                }
                NetObjective f = new NetObjective(net, data, Loss.parse("mse"), 1e-3, null, be);
                Result r = Polish.minimize(f, theta, 1e-8, 1e-13, 20000, 40);
                double g = r.gradNormInf();
                double ep = eps[e];
                assertTrue(g < 1e-11, () -> "eps " + ep + ": not converged, |g| = " + g);
                theta = r.theta();                                    // continuation
                double[] mu = r.eigen().values().clone();
                double lmax = r.eigen().maxAbs();
                double[] abs = new double[mu.length];
                for (int i = 0; i < mu.length; i++) {
                    abs[i] = Math.abs(mu[i]);
                }
                Arrays.sort(abs);
                int zeros = 0;
                for (double a : abs) {
                    if (a < 1e-9 * lmax) {
                        zeros++;
                    }
                }
                assertEquals(3, zeros, "eps " + eps[e] + ": zero modes (level-0 gauge only); smallest |mu| = "
                        + Arrays.toString(Arrays.copyOf(abs, 8)));
                lifted[e] = Arrays.copyOfRange(abs, 3, 6);
            }
        }
        for (int e = 1; e < eps.length; e++) {
            for (int i = 0; i < 3; i++) {
                int ee = e, ii = i;
                assertTrue(lifted[e][i] < lifted[e - 1][i], () -> "lifted eigenvalue " + ii + " did not fall from eps "
                        + eps[ee - 1] + " to " + eps[ee] + ": " + lifted[ee - 1][ii] + " -> " + lifted[ee][ii]);
            }
        }
        for (int i = 0; i < 3; i++) {
            double slope = Math.log(lifted[2][i] / lifted[3][i]) / Math.log(eps[2] / eps[3]);
            int ii = i;
            assertTrue(slope >= 0.8 && slope <= 1.2, () -> "log-log slope of lifted eigenvalue " + ii + " between eps"
                    + " 1e-2 and 3e-3: " + slope + " (expected in [0.8, 1.2]); values " + lifted[2][ii] + ", "
                    + lifted[3][ii]);
        }
    }
}
