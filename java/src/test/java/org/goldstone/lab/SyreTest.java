package org.goldstone.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.data.Dataset;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.minimize.Polish;
import org.goldstone.minimize.Result;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SCIENCE g.12 (syre, f.5): training F = L(theta + theta_0) + gamma |theta|^2 with a fixed random offset theta_0
 * lifts every symmetry zero mode: sigma_0 = 0 leaves the 6 U(1) zeros, sigma_0 = 0.01 and 0.1 leave no eigenvalue
 * below 1e-7.
 */
class SyreTest {
    @ParameterizedTest(name = "sigma_0 = {0}")
    @CsvSource({"0,6", "0.01,0", "0.1,0"})
    void offsetLiftsZeroModes(double sigma0, int zeros) {
        TinyNetLab.Case c = new TinyNetLab.Case("U(1)", 3, 3, 1, 2, 300, "mse", RadialProfile.ALG, 1e-3, 7);
        FeedForwardNet net = FeedForwardNet.of(c.spec());
        Dataset data = TinyNetLab.gaussianData(c.samples(), c.inputs(), c.classes(), c.seed());
        double[] shift = Host.gaussian(net.paramCount(), new SplittableRandom(99));
        for (int i = 0; i < shift.length; i++) {
            shift[i] *= sigma0;
        }
        try (CpuBackend be = new CpuBackend(1)) {
            // gamma |theta|^2 is (lambda/2)|theta|^2 with lambda = 2 gamma
            NetObjective f = new NetObjective(net, data, Loss.parse("mse"), 2e-3, shift, be);
            Result r = Polish.minimize(f, net.initialParameters(new SplittableRandom(8)), 1e-8, 1e-13, 20000, 40);
            assertTrue(r.gradNormInf() < 1e-11, () -> "not converged: |g| = " + r.gradNormInf());
            double[] mu = r.eigen().values();
            int below = 0;
            double smallest = Double.POSITIVE_INFINITY;
            for (double m : mu) {
                if (Math.abs(m) < 1e-7) {
                    below++;
                }
                smallest = Math.min(smallest, Math.abs(m));
            }
            double s = smallest;
            assertEquals(zeros, below, () -> "sigma_0 = " + sigma0 + ": eigenvalues below 1e-7 (smallest |mu| = " + s
                    + ")");
        }
    }
}
