package org.goldstone.conservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.goldstone.layer.Activation;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifecycle and validation of {@link ConservationMonitor}, its log rows and plots. */
class ConservationMonitorTest {
    @TempDir
    Path dir;

    static FeedForwardNet relu() {
        return FeedForwardNet.of(NetSpec.builder().inputs(3).dense(4, Activation.RELU).hidden(1).sigmaB(0.3)
                .readout(2).build());
    }

    @Test
    void writesOneRowPerSetAndStepAndReadablePlots() throws IOException {
        ConservationMonitor m = Runs.train(relu(), OptimizerSpec.sgd(0.05), 1e-3, 30, 64, 16,
                new SplittableRandom(4));
        List<Map<String, Object>> rows = m.rows(30);
        assertEquals(13, rows.size());
        assertEquals(List.of("step", "t", "set", "kind", "charge", "exact", "continuous", "exact_deviation",
                "continuous_deviation"), List.copyOf(rows.get(0).keySet()));
        m.writeLog(dir.resolve("log"));
        List<String> csv = Files.readAllLines(dir.resolve("log").resolve("metrics.csv"));
        assertEquals(1 + 31 * 13, csv.size(), "header + 31 steps x 13 sets");
        List<Path> pngs = m.plot(dir.resolve("plots"));
        assertEquals(8 + 1 + 5 + 1, pngs.size(), () -> "per-set plots and one deviation plot per kind, found " + pngs);
        for (Path png : pngs) {
            assertTrue(ImageIO.read(png.toFile()) != null, () -> png + " is not a readable PNG");
        }
    }

    @Test
    void rejectsOptimizersWithoutExactLaws() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConservationMonitor.of(relu(), true, OptimizerSpec.adam(1e-3), 1e-3));
        assertTrue(e.getMessage().contains("ADAM"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ConservationMonitor.of(relu(), true, OptimizerSpec.momentum(0.1, 0.9, true), 1e-3));
    }

    @Test
    void rejectsSkippedStepsAndUpdatesThatAreNotTheOptimizers() {
        FeedForwardNet net = relu();
        int p = net.paramCount();
        double eta = 0.05, lambda = 1e-3;
        double[] theta = net.initialParameters(new SplittableRandom(5));
        double[] g = new double[p];
        double[] next = new double[p];
        for (int i = 0; i < p; i++) {
            g[i] = 0.1 * Math.sin(i) + lambda * theta[i];
            next[i] = theta[i] - eta * g[i];
        }
        ConservationMonitor m = ConservationMonitor.of(net, true, OptimizerSpec.sgd(eta), lambda);
        m.observe(theta, g, next);
        IllegalArgumentException skipped = assertThrows(IllegalArgumentException.class,
                () -> m.observe(theta, g, next));
        assertTrue(skipped.getMessage().contains("thetaNext"), skipped.getMessage());
        ConservationMonitor fresh = ConservationMonitor.of(net, true, OptimizerSpec.sgd(2 * eta), lambda);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> fresh.observe(theta, g, next));
        assertTrue(wrong.getMessage().contains("SGD update"), wrong.getMessage());
        assertThrows(IllegalStateException.class,
                () -> ConservationMonitor.of(net, true, OptimizerSpec.sgd(eta), lambda).deviations());
    }
}
