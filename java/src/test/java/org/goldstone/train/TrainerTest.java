package org.goldstone.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.goldstone.NonFiniteException;
import org.goldstone.backend.Backend;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.data.Split;
import org.goldstone.data.SyntheticTasks;
import org.goldstone.group.Group;
import org.goldstone.layer.RadialProfile;
import org.goldstone.layer.ParamBlock;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The training loop: learning, checkpoints, bit-identical resume, the non-finite guard. */
class TrainerTest {
    private static final Split SMALL = SyntheticTasks.rings(600, 200, 8, 3, 4);

    private static TrainConfig config(String group, DType dtype, OptimizerSpec opt, int epochs, long maxSteps,
                                      int checkpointEvery) {
        NetSpec spec = NetSpec.builder().inputs(8).embed(Group.parse(group), 17).equivariant(4, RadialProfile.RTANH)
                .sigmaW(1.1).readout(3).build();
        return new TrainConfig(spec, opt, Schedule.constant().withWarmup(3), 5.0, 1e-4, "ce", dtype, 64, epochs,
                maxSteps, 7, 4, checkpointEvery, 2, "synthetic");
    }

    @Test
    void learnsTheSyntheticTaskThatALinearModelCannot(@TempDir Path dir) {
        Split data = SyntheticTasks.defaultTask(1);
        NetSpec spec = NetSpec.builder().inputs(32).embed(Group.orthogonal(4), 16).equivariant(6, RadialProfile.RTANH)
                .sigmaW(1.1).readout(4).build();
        TrainConfig cfg = new TrainConfig(spec, OptimizerSpec.adam(1e-2), Schedule.constant(), 0, 0, "ce", DType.F32,
                256, 15, 0, 1, 10, 0, 1, "synthetic");
        try (Backend be = new CpuBackend(2)) {
            Trainer.Result r = Trainer.start(cfg, data, be, dir).run(new Trainer.Listener() { });
            // linear models stay near chance (0.25) on this task; see SyntheticTasksTest
            assertTrue(r.testAccuracy() > 0.8, () -> "test accuracy " + r.testAccuracy() + " after 15 epochs, expected"
                    + " > 0.8");
            assertTrue(Files.size(dir.resolve("metrics.csv")) > 0 && Files.size(dir.resolve("metrics.jsonl")) > 0);
            assertEquals(2, r.plots().size(), "loss and accuracy plots");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"U(1),F32,adam", "O(3),F64,momentum", "O(2),F32,sgd"})
    void resumeIsBitIdentical(String group, String dtype, String optimizer, @TempDir Path dir) {
        OptimizerSpec opt = optimizer.equals("adam") ? OptimizerSpec.adam(3e-3)
                : optimizer.equals("momentum") ? OptimizerSpec.momentum(0.05, 0.9, true) : OptimizerSpec.sgd(0.05);
        DType dt = DType.valueOf(dtype);
        double[] straight;
        try (Backend be = new CpuBackend(2)) {
            Trainer t = Trainer.start(config(group, dt, opt, 3, 0, 0), SMALL, be, dir.resolve("straight"));
            t.run(new Trainer.Listener() { });
            straight = t.parameters();
        }
        double[] resumed;
        try (Backend be = new CpuBackend(2)) {
            // stop mid-epoch (10 batches per epoch), then continue to the same end
            Trainer first = Trainer.start(config(group, dt, opt, 3, 13, 5), SMALL, be, dir.resolve("split"));
            assertEquals(13, first.run(new Trainer.Listener() { }).steps());
        }
        try (Backend be = new CpuBackend(2)) {
            Trainer second = Trainer.resume(dir.resolve("split"), SMALL, be, 0, 0);
            Trainer.Result r = second.run(new Trainer.Listener() { });
            assertEquals(30, r.steps());
            resumed = second.parameters();
        }
        assertArrayEquals(straight, resumed, 0.0, "resumed parameters must equal the uninterrupted run bit for bit");
    }

    @Test
    void checkpointHoldsParametersOptimizerStateAndSpec(@TempDir Path dir) throws Exception {
        TrainConfig cfg = config("O(4)", DType.F32, OptimizerSpec.adam(1e-3), 1, 0, 3);
        double[] theta;
        Trainer t;
        try (Backend be = new CpuBackend(2)) {
            t = Trainer.start(cfg, SMALL, be, dir);
            t.run(new Trainer.Listener() { });
            theta = t.parameters();
        }
        CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"), 2);
        List<Path> kept = store.list();
        assertEquals(2, kept.size(), "keep the last 2 checkpoints: " + kept);
        Path last = store.latest().orElseThrow();
        Safetensors.Loaded loaded = Safetensors.read(last);
        assertEquals(cfg, Checkpoint.config(loaded, last));
        assertEquals(NetSpec.fromJson(loaded.metadata().get("spec")), cfg.net());
        assertEquals(new Checkpoint.Position(10, 1, 0), Checkpoint.position(loaded, last));
        for (ParamBlock b : t.network().parameterBlocks()) {
            Safetensors.Tensor p = loaded.tensors().get("param/" + b.name());
            assertEquals("F32", p.dtype());
            for (int i = 0; i < b.size(); i++) {
                assertEquals(theta[b.offset() + i], p.values()[i], 0.0, b.name());
            }
            assertTrue(loaded.tensors().containsKey("optim/m/" + b.name()));
            assertTrue(loaded.tensors().containsKey("optim/v/" + b.name()));
        }
        // the independent reader (standard-library Python) sees the same file
        assumeTrue(hasPython(), "python3 not on PATH");
        Path script = Path.of(TrainerTest.class.getResource("/golden/read_safetensors.py").toURI());
        Process p = new ProcessBuilder("python3", script.toString(), last.toString()).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python reader failed: " + err);
        JsonNode root = new ObjectMapper().readTree(json);
        JsonNode w = root.get("tensors").get("param/embed.weight");
        ParamBlock embed = t.network().parameterBlocks().get(0);
        assertEquals(embed.size(), w.get("values").size());
        for (int i = 0; i < embed.size(); i++) {
            assertEquals(theta[i], w.get("values").get(i).asDouble(), 0.0, "embed.weight[" + i + "] read by Python");
        }
        assertEquals("10", root.get("metadata").get("step").asText());
    }

    @Test
    void nonFiniteLossStopsNamingStepAndLayerAndKeepsCheckpoints(@TempDir Path dir) throws Exception {
        // an absurd learning rate makes the readout weights ~1e150 after one step; the squared error then overflows
        NetSpec spec = NetSpec.builder().inputs(8).embed(Group.orthogonal(2), 6).equivariant(4, RadialProfile.ALG)
                .readout(3).build();
        TrainConfig cfg = new TrainConfig(spec, OptimizerSpec.sgd(1e150), Schedule.constant(), 0, 0, "mse",
                DType.F64, 64,
                5, 0, 3, 1, 1, 3, "synthetic");
        try (Backend be = new CpuBackend(2)) {
            Trainer t = Trainer.start(cfg, SMALL, be, dir);
            NonFiniteException e = assertThrows(NonFiniteException.class, () -> t.run(new Trainer.Listener() { }));
            assertTrue(e.getMessage().matches("non-finite .* at step \\d+ in layer [a-z]+(\\.\\d+)?"), e.getMessage());
            assertTrue(e.step() >= 1, "the blow-up should take at least one step, found step " + e.step());
            CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"), 3);
            Path last = store.latest().orElseThrow(() -> new AssertionError("no good checkpoint kept"));
            Checkpoint.Position pos = Checkpoint.position(Safetensors.read(last), last);
            assertEquals(e.step(), pos.step(), "the last checkpoint is the last good step");
            for (Safetensors.Tensor tensor : Safetensors.read(last).tensors().values()) {
                for (double v : tensor.values()) {
                    assertTrue(Double.isFinite(v), "checkpoint values must be finite");
                }
            }
        }
    }

    @Test
    void resumeRefusesCorruptCheckpoints(@TempDir Path dir) throws Exception {
        try (Backend be = new CpuBackend(2)) {
            Trainer.start(config("O(2)", DType.F32, OptimizerSpec.sgd(0.01), 1, 4, 0), SMALL, be, dir)
                    .run(new Trainer.Listener() { });
            Path last = new CheckpointStore(dir.resolve("checkpoints"), 1).latest().orElseThrow();
            byte[] bytes = Files.readAllBytes(last);
            Files.write(last, java.util.Arrays.copyOf(bytes, bytes.length - 7));
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Trainer.resume(dir, SMALL, be, 0, 0));
            assertTrue(e.getMessage().contains(last.getFileName().toString()), e.getMessage());
        }
    }

    @Test
    void startRefusesToOverwriteAnExistingRun(@TempDir Path dir) {
        try (Backend be = new CpuBackend(2)) {
            Trainer.start(config("O(2)", DType.F32, OptimizerSpec.sgd(0.01), 1, 2, 0), SMALL, be, dir)
                    .run(new Trainer.Listener() { });
            org.goldstone.GoldstoneException e = assertThrows(org.goldstone.GoldstoneException.class,
                    () -> Trainer.start(config("O(2)", DType.F32, OptimizerSpec.sgd(0.01), 1, 2, 0), SMALL, be, dir));
            assertTrue(e.getMessage().contains("existing run"), e.getMessage());
        }
    }

    private static boolean hasPython() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
