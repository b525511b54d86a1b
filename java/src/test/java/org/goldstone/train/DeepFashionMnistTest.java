package org.goldstone.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.goldstone.backend.Backend;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.data.FashionMnist;
import org.goldstone.data.Split;
import org.goldstone.group.Group;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The headline behaviour on real data: a 100-layer equivariant net, no residuals and no normalization, trains on
 * Fashion-MNIST in one epoch just above the critical point. Slow (about a minute per group on 2 cores).
 */
@Tag("slow")
class DeepFashionMnistTest {
    /**
     * Thresholds are below what one epoch measured here (O(4) width 32: 0.82; U(1) width 32: 0.70) and far above
     * chance (0.10): a broken layer or optimizer lands near chance at depth 100.
     */
    @ParameterizedTest
    @CsvSource({"O(4),0.80", "U(1),0.60"})
    void hundredLayersTrainInOneEpoch(String group, double threshold, @TempDir Path dir) {
        assumeTrue(FashionMnist.locate(null).isPresent(), "Fashion-MNIST is not installed (dataset-fashion-mnist)");
        Split data = FashionMnist.load(null, FashionMnist.Scaling.STANDARDIZED);
        NetSpec spec = NetSpec.builder().inputs(784).embed(Group.parse(group), 32).equivariant(100, RadialProfile.RTANH)
                .sigmaW(1.1).readout(10).build();
        TrainConfig cfg = new TrainConfig(spec, OptimizerSpec.adam(1e-3), Schedule.constant(), 0, 0, "ce", DType.F32,
                256, 1, 0, 1, 50, 0, 1, "fashion-mnist");
        try (Backend be = new CpuBackend(2)) {
            Trainer.Result r = Trainer.start(cfg, data, be, dir).run(new Trainer.Listener() { });
            assertTrue(r.testAccuracy() > threshold, () -> group + " depth 100: test accuracy " + r.testAccuracy()
                    + " after one epoch, expected > " + threshold);
        }
    }
}
