package org.goldstone.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and one-line messages of the CLI, including bad input. */
class GoldstoneCliTest {
    private record Run(int code, String out, String err) { }

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = GoldstoneCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static void assertOneLineError(Run r, int code, String fragment) {
        assertEquals(code, r.code(), () -> "exit code; stderr: " + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, () -> "expected one line on stderr, found: " + r.err());
        assertTrue(lines[0].contains(fragment), () -> "expected '" + fragment + "' in: " + lines[0]);
        assertTrue(!r.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void helpEverywhere() {
        assertEquals(0, run("--help").code());
        Run train = run("train", "--help");
        assertEquals(0, train.code());
        assertTrue(train.out().contains("--group") && train.out().contains("--resume"), train.out());
        assertEquals(0, run("demo", "--help").code());
    }

    @Test
    void unknownGroupProfileAndBadK(@TempDir Path dir) {
        assertOneLineError(run("train", "--dataset", "synthetic", "--group", "SU(3)", "--out",
                dir.resolve("a").toString()),
                2, "expected U(1) or O(k)");
        assertOneLineError(run("train", "--dataset", "synthetic", "--group", "O(0)", "--out",
                dir.resolve("b").toString()),
                2, "expected k >= 1, found 0");
        assertOneLineError(run("train", "--dataset", "synthetic", "--profile", "SWISH", "--out",
                dir.resolve("c").toString()), 2, "found 'SWISH'");
        assertOneLineError(run("train", "--dataset", "synthetic", "--batch", "0", "--out", dir.resolve("d").toString()),
                2, "expected batch >= 1, found 0");
    }

    @Test
    void missingDataNamesTheDirectory(@TempDir Path dir) {
        Path empty = dir.resolve("nothing-here");
        Run r = run("train", "--dataset", "fashion-mnist", "--data", empty.toString(), "--out",
                dir.resolve("run").toString());
        assertOneLineError(r, 3, "nothing-here");
    }

    @Test
    void corruptCheckpointOnResume(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        Run ok = run("train", "--dataset", "synthetic", "--group", "U(1)", "--width", "4", "--depth", "2",
                "--max-steps", "3", "--no-progress", "--out", runDir.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("test accuracy"), ok.out());
        Path ckpt;
        try (var files = Files.list(runDir.resolve("checkpoints"))) {
            ckpt = files.filter(p -> p.toString().endsWith(".safetensors")).findFirst().orElseThrow();
        }
        Files.write(ckpt, new byte[] {1, 2, 3});
        assertOneLineError(run("train", "--resume", runDir.toString(), "--no-progress"), 4,
                ckpt.getFileName().toString());
    }

    @Test
    void resumeContinuesARun(@TempDir Path dir) {
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--dataset", "synthetic", "--width", "4", "--depth", "2", "--max-steps", "5",
                "--no-progress", "--out", runDir.toString()).code());
        Run r = run("train", "--resume", runDir.toString(), "--max-steps", "9", "--no-progress");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("done    : 9 steps"), r.out());
    }

    @Test
    void existingRunIsNotOverwritten(@TempDir Path dir) {
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--dataset", "synthetic", "--width", "4", "--depth", "1", "--max-steps", "2",
                "--no-progress", "--out", runDir.toString()).code());
        assertOneLineError(run("train", "--dataset", "synthetic", "--width", "4", "--depth", "1", "--max-steps", "2",
                "--no-progress", "--out", runDir.toString()), 1, "existing run");
    }

    @Test
    void labPrintsExactCounts() {
        Run r = run("lab");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("O(3)  ce     65") && r.out().contains("3 / 3") && r.out().contains("10 / 10"),
                r.out());
        assertTrue(r.out().contains("all counts match the symmetry prediction"), r.out());
    }

    @Test
    void spectrumOfACheckpointWritesJsonAndPlots(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        assertEquals(0, run("train", "--dataset", "synthetic", "--group", "U(1)", "--width", "3", "--depth", "2",
                "--max-steps", "20", "--weight-decay", "1e-3", "--no-progress", "--out", runDir.toString()).code());
        Path out = dir.resolve("spec");
        Run r = run("spectrum", "--run", runDir.toString(), "--samples", "64", "--lanczos", "30",
                "--trace-probes", "10",
                "--precision", "f64", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("U(1) phase gauge") && r.out().contains("zero modes: predicted"), r.out());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("spectrum.json").toFile());
        assertEquals(30, json.get("ritzValues").size());
        assertTrue(json.get("goldstone").get("measuredZero").asInt() >= 0, "dense count for a tiny net");
        for (String png : new String[] {"density.png", "ritz.png", "tangents.png"}) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
    }

    @Test
    void gemmListsEveryProvider(@TempDir Path dir) {
        Run help = run("train", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("cublas, cublas-tf32 or cublas-bf16"), help.out());
        assertOneLineError(run("train", "--gemm", "bf16", "--dataset", "synthetic", "--max-steps", "1", "--out",
                dir.resolve("g").toString()), 2, "expected native, tf32, cublas, cublas-tf32 or cublas-bf16");
    }

    @Test
    void devicesListsEveryBackendWithItsDeviceOrReason() {
        Run r = run("devices");
        assertEquals(0, r.code(), r.err());
        for (String name : new String[] {"cpu ", "cuda ", "cuda+cublas ", "opencl "}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name)
                    && (l.contains(" available ") || l.contains(" unavailable "))), name + " in: " + r.out());
        }
    }

    @Test
    void aNamedBackendThatCannotOpenIsAOneLineError(@TempDir Path dir) {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.goldstone.backend.Backends.isAvailable("cuda"),
                "this machine has a CUDA device");
        assertOneLineError(run("train", "--backend", "cuda", "--dataset", "synthetic", "--max-steps", "1",
                "--out", dir.resolve("r").toString()), 6, "cuda: ");
        assertOneLineError(run("train", "--backend", "tpu", "--dataset", "synthetic", "--max-steps", "1",
                "--out", dir.resolve("s").toString()), 6, "unknown backend 'tpu'");
    }

    /** Issue 7's check: train and spectrum run end to end on OpenCL (PoCL in CI). */
    @Test
    @org.junit.jupiter.api.Tag("opencl")
    void trainAndSpectrumRunOnOpencl(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.goldstone.backend.Backends.isAvailable("opencl"),
                () -> "opencl unavailable: " + org.goldstone.backend.Backends.reason("opencl"));
        Path runDir = dir.resolve("run");
        Run t = run("train", "--backend", "opencl", "--dataset", "synthetic", "--group", "O(3)", "--width", "4",
                "--depth", "3", "--max-steps", "12", "--no-progress", "--out", runDir.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("on opencl:"), t.out());
        Run s = run("spectrum", "--backend", "opencl", "--run", runDir.toString(), "--samples", "64", "--lanczos", "12",
                "--trace-probes", "4", "--density-probes", "1", "--out", dir.resolve("spec").toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("top eigenvalues") && s.out().contains("zero modes: predicted"), s.out());
    }

    @Test
    void spectrumRefusesACheckpointFromAnotherSpecOrAMissingFile(@TempDir Path dir) {
        assertOneLineError(run("spectrum", "--checkpoint", dir.resolve("nope.safetensors").toString(), "--out",
                dir.resolve("o").toString()), 4, "nope.safetensors");
    }

    @Test
    void reproduceRunsTheRecipeAndKeepsATable(@TempDir Path dir) throws Exception {
        Run r = run("reproduce", "--dataset", "synthetic", "--archs", "O(2),generic", "--sigmas", "0.5,1.3", "--seeds",
                "1", "--epochs", "1", "--features", "8", "--depths", "3", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("O(2)") && r.out().contains("generic") && r.out().contains("wall time"), r.out());
        java.util.List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(1 + 4, csv.size(), "header + 2 archs x 2 sigma_w x 1 seed x 1 epoch: " + csv);
        assertTrue(Files.size(dir.resolve("accuracy_vs_sigma.png")) > 1000);
        assertOneLineError(run("reproduce", "--dataset", "synthetic", "--sigmas", "-1", "--out",
                dir.resolve("bad").toString()), 2, "expected values > 0, found -1.0");
    }

    @Test
    void lawsPrintsDeviationsAndWritesPlots(@TempDir Path dir) throws Exception {
        Run r = run("laws", "--steps", "60", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("rescale dense.0 unit 0") && r.out().contains("scale level 1 unit 2"), r.out());
        for (String line : r.out().split("\n")) {
            if (line.startsWith("ReLU MLP   sgd") || line.startsWith("PHASE U(1) sgd")) {
                double exact = Double.parseDouble(line.trim().split("\\s+")[line.trim().split("\\s+").length - 2]);
                assertTrue(exact < 1e-12, "exact law deviation " + exact + " (tolerance 1e-12): " + line);
            }
        }
        try (var files = Files.list(dir.resolve("relu-sgd"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), "plots of the ReLU SGD run");
        }
    }

    @Test
    void diagnosticsDuringTraining(@TempDir Path dir) throws Exception {
        Run r = run("train", "--dataset", "synthetic", "--group", "U(1)", "--width", "4", "--depth", "3",
                "--max-steps", "6", "--diagnostics-every", "3", "--diagnostics-samples", "20", "--no-progress", "--out",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Files.readAllLines(dir.resolve("diagnostics.jsonl")).size(), "steps 1, 3 and 6");
        assertTrue(Files.size(dir.resolve("plots").resolve("diag-erank.png")) > 1000);
    }

    @Test
    void phaseSweepsAndRefusesBadRanges(@TempDir Path dir) throws Exception {
        Run r = run("phase", "--points", "4", "--width", "64", "--depth", "20", "--seeds", "2", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("critical sigma_w: mean field 1.00000"), r.out());
        assertTrue(Files.size(dir.resolve("order_parameter.png")) > 1000);
        assertTrue(Files.size(dir.resolve("goldstone_gain.png")) > 1000);
        assertTrue(Files.size(dir.resolve("pairs.png")) > 1000);
        assertTrue(r.out().contains("two inputs (b.2, b.5 item 3)"), r.out());
        assertOneLineError(run("phase", "--from", "2", "--to", "1", "--out", dir.resolve("bad").toString()), 2,
                "expected from < to");
        // O(3) traces the polar factor; O(1), the real tanh baseline, has no Goldstone direction
        Run o3 = run("phase", "--group", "O(3)", "--points", "3", "--width", "32", "--depth", "12", "--seeds", "1",
                "--out", dir.resolve("o3").toString());
        assertEquals(0, o3.code(), o3.err());
        assertTrue(o3.out().contains("two inputs (b.5 item 5)"), o3.out());
        Run o1 = run("phase", "--group", "O(1)", "--profile", "RTANH", "--points", "3", "--width", "32", "--depth",
                "12", "--seeds", "1", "--out", dir.resolve("o1").toString());
        assertEquals(0, o1.code(), o1.err());
        assertTrue(o1.out().contains("none for O(1)"), o1.out());
        assertTrue(Files.exists(dir.resolve("o1").resolve("pairs.csv")));
    }
}
