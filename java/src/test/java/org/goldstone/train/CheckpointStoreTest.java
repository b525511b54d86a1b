package org.goldstone.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.goldstone.train.Safetensors.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> params(long step, SplittableRandom rng) {
        double[] w = new double[6];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextGaussian();
        }
        return Map.of("w", Tensor.f64(w, 2, 3), "step", Tensor.i64(new double[] {step}));
    }

    static List<Long> steps(List<Path> files) {
        List<Long> out = new ArrayList<>();
        for (Path p : files) {
            out.add(CheckpointStore.step(p).orElseThrow());
        }
        return out;
    }

    @Test
    void keepsTheLastNAndPointsLatestAtTheNewest() throws IOException {
        Path ckpt = dir.resolve("ckpt");
        CheckpointStore store = new CheckpointStore(ckpt, 3);
        assertEquals(List.of(), store.list(), "missing directory lists nothing");
        assertEquals(Optional.empty(), store.latest());
        SplittableRandom rng = new SplittableRandom(17);
        Map<String, Tensor> last = null;
        for (long step = 100; step <= 600; step += 100) {
            last = params(step, rng);
            Path saved = store.save(step, last, Map.of("step", Long.toString(step)));
            assertEquals(ckpt.resolve(String.format("step-%09d.safetensors", step)), saved);
        }
        assertEquals(List.of(400L, 500L, 600L), steps(store.list()));
        assertEquals("step-000000600.safetensors\n", Files.readString(ckpt.resolve(CheckpointStore.LATEST)));
        Path latest = store.latest().orElseThrow();
        assertEquals(ckpt.resolve("step-000000600.safetensors"), latest);
        assertEquals(last, Safetensors.read(latest).tensors());
        assertEquals("600", Safetensors.read(latest).metadata().get("step"));

        Files.delete(ckpt.resolve(CheckpointStore.LATEST));
        assertEquals(Optional.of(latest), store.latest(), "without the pointer: the highest step");
        Files.writeString(ckpt.resolve(CheckpointStore.LATEST), "step-000000100.safetensors\n");
        // The store logs a warning here (System.Logger, backed by java.util.logging); keep the test silent.
        Logger jul = Logger.getLogger(CheckpointStore.class.getName());
        Level before = jul.getLevel();
        jul.setLevel(Level.OFF);
        try {
            assertEquals(Optional.of(latest), store.latest(), "a pointer to a deleted file: the highest step");
        } finally {
            jul.setLevel(before);
        }
    }

    @Test
    void neverTouchesForeignFiles() throws IOException {
        List<String> foreign = List.of("notes.txt", "step-1.safetensors", "step-0000000002.safetensors",
                "step-000000003.safetensors.bak", ".step-000000004.safetensors.4242.1.tmp",
                "STEP-000000005.safetensors", "step-000000006.pt");
        Files.createDirectories(dir);
        for (String f : foreign) {
            Files.writeString(dir.resolve(f), "not a checkpoint");
        }
        Files.createDirectory(dir.resolve("step-000000007.safetensors"));   // a directory with our name
        CheckpointStore store = new CheckpointStore(dir, 1);
        SplittableRandom rng = new SplittableRandom(2);
        for (long step = 1; step <= 4; step++) {
            store.save(step, params(step, rng), Map.of());
        }
        assertEquals(List.of(4L), steps(store.list()));
        for (String f : foreign) {
            assertEquals("not a checkpoint", Files.readString(dir.resolve(f)), f + " must be left alone");
        }
        assertTrue(Files.isDirectory(dir.resolve("step-000000007.safetensors")));
        assertEquals(dir.resolve("step-000000004.safetensors"), store.latest().orElseThrow());
    }

    @Test
    void resumingFromAnEarlierStepKeepsWhatWasJustSaved() {
        CheckpointStore store = new CheckpointStore(dir, 2);
        SplittableRandom rng = new SplittableRandom(8);
        for (long step = 1; step <= 5; step++) {
            store.save(step, params(step, rng), Map.of());
        }
        assertEquals(List.of(4L, 5L), steps(store.list()));
        Map<String, Tensor> resumed = params(3, rng);
        store.save(3, resumed, Map.of());
        assertEquals(List.of(3L, 5L), steps(store.list()), "the new step 3 stays; the oldest other goes");
        assertEquals(dir.resolve("step-000000003.safetensors"), store.latest().orElseThrow());
        assertEquals(resumed, Safetensors.read(store.latest().orElseThrow()).tensors());
        store.save(5, resumed, Map.of());
        assertEquals(List.of(3L, 5L), steps(store.list()), "saving an existing step replaces it");
        assertArrayEquals(resumed.get("w").values(),
                Safetensors.read(dir.resolve("step-000000005.safetensors")).tensors().get("w").values());
    }

    @Test
    void namesAndArguments() {
        assertEquals("step-000000042.safetensors", CheckpointStore.fileName(42));
        assertEquals("step-1234567890.safetensors", CheckpointStore.fileName(1_234_567_890L));
        assertEquals(OptionalLong.of(1_234_567_890L), CheckpointStore.step(Path.of("step-1234567890.safetensors")));
        assertEquals(OptionalLong.of(0), CheckpointStore.step(Path.of("/a/b/step-000000000.safetensors")));
        assertEquals(OptionalLong.empty(), CheckpointStore.step(Path.of("step-0000000001.safetensors")));
        assertEquals(OptionalLong.empty(), CheckpointStore.step(Path.of("step-9999999999999999999.safetensors")));
        assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir, 0));
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.fileName(-1));
    }
}
