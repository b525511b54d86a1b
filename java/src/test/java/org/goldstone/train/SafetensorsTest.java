package org.goldstone.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.goldstone.train.Safetensors.Loaded;
import org.goldstone.train.Safetensors.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** Three dtypes, several shapes, and the values that break careless encoders. */
    static Map<String, Tensor> sample(SplittableRandom rng) {
        double[] f64 = new double[2 * 3 * 4];
        for (int i = 0; i < f64.length; i++) {
            f64[i] = rng.nextDouble(-1e3, 1e3);
        }
        f64[0] = Double.NaN;
        f64[1] = Double.POSITIVE_INFINITY;
        f64[2] = Double.NEGATIVE_INFINITY;
        f64[3] = -0.0;
        f64[4] = Double.MIN_VALUE;
        f64[5] = Double.MAX_VALUE;
        f64[6] = 0.1 + 0.2;
        double[] f32 = new double[7];
        for (int i = 0; i < f32.length; i++) {
            f32[i] = rng.nextDouble(-10, 10);
        }
        f32[0] = 1e-50;                                     // underflows to 0 as a float
        f32[1] = 0.1;
        double[] i64 = {0, -1, 1, 0x1p53, -0x1p53, -0x1p63, 123456789, -987654321};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("layer.0.weight", Tensor.f64(f64, 2, 3, 4));
        tensors.put("layer.0.bias", Tensor.f32(f32, 7));
        tensors.put("optimizer.step", Tensor.i64(new double[] {42}));   // a scalar: shape []
        tensors.put("perm", Tensor.i64(i64, 2, 4));
        return tensors;
    }

    /** What reading back must give: F32 rounded to float, the rest exact. */
    static double[] expectedValues(Tensor t) {
        double[] v = t.values().clone();
        if (t.dtype().equals("F32")) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    @Test
    void roundTripIsExactPerDtype() {
        Map<String, Tensor> tensors = sample(new SplittableRandom(11));
        Map<String, String> metadata = Map.of("format", "pt");
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, tensors, metadata);
        Loaded loaded = Safetensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(loaded.tensors().keySet()), "tensor order");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor got = loaded.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(expectedValues(e.getValue()), got.values(), e.getKey() + " values, bit for bit");
        }
        assertEquals(0.0, loaded.tensors().get("layer.0.bias").values()[0], "1e-50 as F32");
        assertEquals(-0x1p63, loaded.tensors().get("perm").values()[5], "Long.MIN_VALUE as I64");
    }

    @Test
    void metadataRoundTripsInOrder() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("step", "1200");
        metadata.put("config", "{\"lr\": 0.001, \"profile\": \"ALG\"}");
        metadata.put("note", "Goldstone modes \u2014 U(1) \u00d7 O(3), line\nbreak");
        metadata.put("empty", "");
        Path file = dir.resolve("meta.safetensors");
        Safetensors.write(file, Map.of("w", Tensor.f64(new double[] {1, 2}, 2)), metadata);
        Loaded loaded = Safetensors.read(file);
        assertEquals(List.copyOf(metadata.entrySet()), List.copyOf(loaded.metadata().entrySet()));
    }

    @Test
    void emptyTensorsAndEmptyFiles() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.f64(new double[] {1.5}, 1));
        tensors.put("none", Tensor.f32(new double[0], 0));
        tensors.put("rows_of_nothing", Tensor.i64(new double[0], 3, 0));
        tensors.put("b", Tensor.i64(new double[] {7, 8}, 2));
        Path file = dir.resolve("empty-parts.safetensors");
        Safetensors.write(file, tensors, Map.of());
        Loaded loaded = Safetensors.read(file);
        assertEquals(tensors, loaded.tensors());
        assertEquals(Map.of(), loaded.metadata());

        Path nothing = dir.resolve("nothing.safetensors");
        Safetensors.write(nothing, Map.of(), Map.of());
        byte[] bytes = Files.readAllBytes(nothing);
        assertEquals(16, bytes.length, "8-byte length + \"{}\" padded to 8");
        assertEquals("{}      ", new String(bytes, 8, 8, StandardCharsets.UTF_8));
        assertEquals(Map.of(), Safetensors.read(nothing).tensors());
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOf8() throws IOException {
        for (int nameLength = 1; nameLength <= 9; nameLength++) {
            String name = "x".repeat(nameLength);
            Path file = dir.resolve("pad" + nameLength + ".safetensors");
            Safetensors.write(file, Map.of(name, Tensor.f64(new double[] {3.25}, 1)), Map.of());
            byte[] bytes = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8, "header length for name length " + nameLength + ": " + n);
            assertEquals(8 + n + 8, bytes.length, "file size for name length " + nameLength);
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{\"" + name + "\":{\"dtype\":\"F64\""), header);
            assertTrue(header.stripTrailing().endsWith("}"), header);
            assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '), header);
            assertEquals(3.25, ByteBuffer.wrap(bytes, (int) (8 + n), 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
        }
    }

    @Test
    void tensorRecordValidatesItsFields() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.f64(new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new Tensor("BF16", new long[] {1}, new double[1]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.f64(new double[0], -1));
        long[] shape = {2};
        Tensor t = Tensor.f64(new double[2], shape);
        shape[0] = 99;
        assertArrayEquals(new long[] {2}, t.shape(), "shape is copied");
    }

    /** One corruption: what the file holds, and words the message must contain. */
    record Corruption(String name, byte[] bytes, String mustSay) {
    }

    static byte[] crafted(String json, int bufferBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.array();
    }

    static byte[] withLength(byte[] valid, long n) {
        byte[] out = valid.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
        return out;
    }

    @Test
    void corruptFilesAreRejectedWithOneLineNamingTheProblem() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, sample(new SplittableRandom(5)), Map.of("k", "v"));
        byte[] valid = Files.readAllBytes(good);
        byte[] invalidUtf8 = crafted("{\"a\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + " \"x\": \"\u00e9\"}", 8);
        int at = new String(invalidUtf8, StandardCharsets.ISO_8859_1).indexOf('\u00c3');
        invalidUtf8[at] = (byte) 0xff;
        String one = "\"dtype\":\"F64\",\"shape\":[1]";
        List<Corruption> cases = List.of(
                new Corruption("short", Arrays.copyOf(valid, 5), "at least 8 bytes"),
                new Corruption("truncated", Arrays.copyOf(valid, valid.length - 4), "inside the byte buffer"),
                new Corruption("trailing", Arrays.copyOf(valid, valid.length + 8), "a byte buffer of"),
                new Corruption("huge-length", withLength(valid, 1L << 40), "header length"),
                new Corruption("length-past-end", withLength(valid, valid.length), "header length"),
                new Corruption("length-2^64-1", withLength(valid, -1L), "18446744073709551615"),
                new Corruption("bad-json", crafted("{\"a\": {\"dtype\": \"F64\", ", 8), "invalid JSON"),
                new Corruption("trailing-json", crafted("{} {}", 0), "invalid JSON"),
                new Corruption("duplicate", crafted("{\"a\":{" + one + ",\"data_offsets\":[0,8]},\"a\":{" + one
                        + ",\"data_offsets\":[8,16]}}", 16), "invalid JSON"),
                new Corruption("invalid-utf8", invalidUtf8, "invalid UTF-8"),
                new Corruption("not-object", crafted("[1, 2]", 0), "a JSON object"),
                new Corruption("dtype", crafted("{\"a\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8),
                        "dtype F32, F64 or I64"),
                new Corruption("overlap", crafted("{\"a\":{" + one + ",\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlapping"),
                new Corruption("gap", crafted("{\"a\":{" + one + ",\"data_offsets\":[0,8]},\"b\":{" + one
                        + ",\"data_offsets\":[16,24]}}", 24), "gap"),
                new Corruption("not-at-zero", crafted("{\"a\":{" + one + ",\"data_offsets\":[8,16]}}", 16), "gap"),
                new Corruption("wrong-size", crafted("{\"a\":{\"dtype\":\"F64\",\"shape\":[2,3],"
                        + "\"data_offsets\":[0,40]}}", 40), "48 bytes"),
                new Corruption("past-buffer", crafted("{\"a\":{" + one + ",\"data_offsets\":[0,8]}}", 4),
                        "inside the byte buffer"),
                new Corruption("negative-dim", crafted("{\"a\":{\"dtype\":\"F64\",\"shape\":[-1],"
                        + "\"data_offsets\":[0,0]}}", 0), "non-negative integers"),
                new Corruption("offsets-reversed", crafted("{\"a\":{\"dtype\":\"F64\",\"shape\":[0],"
                        + "\"data_offsets\":[8,0]}}", 8), "begin <= end"),
                new Corruption("no-offsets", crafted("{\"a\":{" + one + "}}", 8), "data_offsets missing"),
                new Corruption("metadata", crafted("{\"__metadata__\":{\"lr\":0.1}}", 0), "lr = 0.1"));
        for (Corruption c : cases) {
            Path file = dir.resolve(c.name + ".safetensors");
            Files.write(file, c.bytes);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(file), c.name);
            String m = e.getMessage();
            assertTrue(m.contains(file.toString()), c.name + ": message must name the file: " + m);
            assertTrue(m.contains(c.mustSay), c.name + ": message must say '" + c.mustSay + "': " + m);
            assertTrue(m.contains("expected") && m.contains("found"), c.name + ": expected/found: " + m);
            assertFalse(m.contains("\n"), c.name + ": one line: " + m);
        }
        Path missing = dir.resolve("missing.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("found none"),
                e.getMessage());
    }

    private List<String> namesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failedWriteLeavesTargetUntouchedAndNoTempFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, sample(new SplittableRandom(3)), Map.of("step", "10"));
        byte[] before = Files.readAllBytes(file);

        // The first tensor spans several write chunks, so bytes reach the temp file before the bad value is met.
        double[] big = new double[400_000];
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < big.length; i++) {
            big[i] = rng.nextDouble();
        }
        double[][] badI64 = {{1, 2, 2.5}, {Double.NaN}, {0x1p63}, {Double.NEGATIVE_INFINITY}};
        for (double[] bad : badI64) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("big", Tensor.f64(big, big.length));
            tensors.put("counts", Tensor.i64(bad, bad.length));
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Safetensors.write(file, tensors, Map.of("step", "20")), Arrays.toString(bad));
            assertTrue(e.getMessage().contains("counts") && e.getMessage().contains("I64")
                    && e.getMessage().contains(file.toString()), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "target changed after failing with "
                    + Arrays.toString(bad));
            assertEquals(List.of("model.safetensors"), namesIn(dir), "files left after failing with "
                    + Arrays.toString(bad));
        }
        assertEquals("10", Safetensors.read(file).metadata().get("step"));

        Path fresh = dir.resolve("sub").resolve("fresh.safetensors");
        assertThrows(CheckpointException.class, () -> Safetensors.write(fresh,
                Map.of("x", Tensor.i64(new double[] {0.5}, 1)), Map.of()));
        assertEquals(List.of(), namesIn(fresh.getParent()), "no target and no temp after a failed first write");

        assertThrows(CheckpointException.class, () -> Safetensors.write(file,
                Map.of("__metadata__", Tensor.f64(new double[] {1}, 1)), Map.of()));
        Path underAFile = file.resolve("child.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Safetensors.write(underAFile, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains(underAFile.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));

        Safetensors.write(file, Map.of("x", Tensor.f64(new double[] {2}, 1)), Map.of());
        assertEquals(List.of("model.safetensors", "sub"), namesIn(dir), "successful overwrite leaves no temp");
        assertArrayEquals(new double[] {2}, Safetensors.read(file).tensors().get("x").values());
    }

    static boolean hasPython3() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void independentPythonReaderSeesTheSameValues() throws IOException, InterruptedException, URISyntaxException {
        assumeTrue(hasPython3(), "python3 is not on PATH");
        Path script = Path.of(SafetensorsTest.class.getResource("/golden/read_safetensors.py").toURI());
        Map<String, Tensor> tensors = sample(new SplittableRandom(23));
        tensors.put("empty", Tensor.f32(new double[0], 0, 4));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("step", "77");
        metadata.put("note", "\u00e9quivariant");
        Path file = dir.resolve("for-python.safetensors");
        Safetensors.write(file, tensors, metadata);

        Path stderr = dir.resolve("python.stderr");
        Process p = new ProcessBuilder("python3", script.toString(), file.toString())
                .redirectError(stderr.toFile()).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "python3 reader timed out");
        assertEquals(0, p.exitValue(), () -> "python3 reader failed: " + readQuietly(stderr));

        JsonMapper json = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        JsonNode root = json.readTree(stdout);
        assertEquals(metadata, json.convertValue(root.get("metadata"), Map.class));
        JsonNode got = root.get("tensors");
        List<String> names = new ArrayList<>();
        got.fieldNames().forEachRemaining(names::add);
        assertEquals(List.copyOf(tensors.keySet()), names, "python sees the tensors in the same order");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            JsonNode t = got.get(e.getKey());
            Tensor want = e.getValue();
            assertEquals(want.dtype(), t.get("dtype").asText(), e.getKey());
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).longValue();
            }
            assertArrayEquals(want.shape(), shape, e.getKey() + " shape");
            double[] expected = expectedValues(want);
            JsonNode values = t.get("values");
            assertEquals(expected.length, values.size(), e.getKey() + " value count");
            Iterator<JsonNode> it = values.elements();
            for (int i = 0; i < expected.length; i++) {
                JsonNode v = it.next();
                if (want.dtype().equals("I64")) {
                    assertTrue(v.isIntegralNumber(), e.getKey() + "[" + i + "] = " + v);
                    assertEquals((long) expected[i], v.longValue(), e.getKey() + "[" + i + "]");
                } else {
                    assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(v.doubleValue()),
                            e.getKey() + "[" + i + "]: java " + expected[i] + ", python " + v);
                }
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
