package org.goldstone.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

class MetricsLogTest {
    @TempDir
    Path dir;

    static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void csvAndJsonlHoldTheSameRows() throws IOException {
        double tricky = 0.1 + 0.2;
        double random = new SplittableRandom(31).nextDouble();
        try (MetricsLog log = new MetricsLog(dir, false)) {
            log.log(row("step", 1L, "train_loss", tricky, "lr", 1e-5, "acc", 0.5f, "note", "a,\"b\"", "ok", true));
            log.log(row("step", 2, "train_loss", Double.NaN, "lr", random, "acc", Float.NaN, "note", "plain",
                    "ok", false));
            assertEquals(List.of("step", "train_loss", "lr", "acc", "note", "ok"), log.columns());
            // flushed after every row: readable while the log is still open
            assertEquals(3, Files.readAllLines(dir.resolve(MetricsLog.CSV)).size());
        }
        List<String> csv = Files.readAllLines(dir.resolve(MetricsLog.CSV));
        assertEquals(List.of(
                "step,train_loss,lr,acc,note,ok",
                "1,0.30000000000000004,1.0E-5,0.5,\"a,\"\"b\"\"\",true",
                "2,NaN," + Double.toString(random) + ",NaN,plain,false"), csv);

        List<String> jsonl = Files.readAllLines(dir.resolve(MetricsLog.JSONL));
        assertEquals(2, jsonl.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(jsonl.get(0));
        assertEquals(List.of("step", "train_loss", "lr", "acc", "note", "ok"), fieldNames(first));
        assertEquals(1L, first.get("step").longValue());
        assertEquals(tricky, first.get("train_loss").doubleValue());
        assertEquals(1e-5, first.get("lr").doubleValue());
        assertEquals("a,\"b\"", first.get("note").textValue());
        assertTrue(first.get("ok").booleanValue());
        JsonNode second = json.readTree(jsonl.get(1));
        assertTrue(second.get("train_loss").isNull(), "NaN is null in JSON: " + jsonl.get(1));
        assertTrue(second.get("acc").isNull(), "float NaN is null in JSON: " + jsonl.get(1));
        assertEquals(random, second.get("lr").doubleValue(), "full precision");

        List<List<String>> parsed = MetricsLog.readCsv(dir.resolve(MetricsLog.CSV));
        assertEquals(List.of("1", "0.30000000000000004", "1.0E-5", "0.5", "a,\"b\"", "true"), parsed.get(1));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void rowsMustKeepTheColumnsAndValueTypes() throws IOException {
        try (MetricsLog log = new MetricsLog(dir, false)) {
            log.log(row("step", 1, "loss", 0.5));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> log.log(row("step", 2, "loss", 0.4, "acc", 0.9)));
            assertTrue(e.getMessage().contains("[step, loss]") && e.getMessage().contains("acc"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> log.log(row("step", 2)));
            assertThrows(IllegalArgumentException.class, () -> log.log(row("step", 2, "loss", List.of(1))));
            assertThrows(IllegalArgumentException.class, () -> log.log(row("step", 2, "loss", null)));
            assertThrows(IllegalArgumentException.class, () -> log.log(row()));
            log.log(row("loss", 0.25, "step", 3));                // same key set, other order: fixed columns win
        }
        assertEquals(List.of("step,loss", "1,0.5", "3,0.25"), Files.readAllLines(dir.resolve(MetricsLog.CSV)));
        assertEquals(List.of("{\"step\":1,\"loss\":0.5}", "{\"step\":3,\"loss\":0.25}"),
                Files.readAllLines(dir.resolve(MetricsLog.JSONL)));
        MetricsLog closed = new MetricsLog(dir.resolve("other"), false);
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.log(row("step", 1)));
    }

    @Test
    void appendContinuesAResumedRun() throws IOException {
        try (MetricsLog log = new MetricsLog(dir, false)) {
            log.log(row("step", 1, "train_loss", 2.0, "test_acc", 0.1));
            log.log(row("step", 2, "train_loss", 1.5, "test_acc", 0.2));
        }
        try (MetricsLog log = new MetricsLog(dir, true)) {
            assertEquals(List.of("step", "train_loss", "test_acc"), log.columns(), "columns from the existing header");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> log.log(row("step", 3, "loss", 1.0)));
            assertTrue(e.getMessage().contains("[step, train_loss, test_acc]"), e.getMessage());
            log.log(row("test_acc", 0.3, "train_loss", 1.25, "step", 3));
        }
        assertEquals(List.of("step,train_loss,test_acc", "1,2.0,0.1", "2,1.5,0.2", "3,1.25,0.3"),
                Files.readAllLines(dir.resolve(MetricsLog.CSV)));
        assertEquals(3, Files.readAllLines(dir.resolve(MetricsLog.JSONL)).size());

        try (MetricsLog log = new MetricsLog(dir, false)) {
            log.log(row("epoch", 1));
        }
        assertEquals(List.of("epoch", "1"), Files.readAllLines(dir.resolve(MetricsLog.CSV)), "no append: truncated");
        assertEquals(List.of("{\"epoch\":1}"), Files.readAllLines(dir.resolve(MetricsLog.JSONL)));
    }

    @Test
    void appendCutsAPartialLastLineLeftByACrash() throws IOException {
        Files.writeString(dir.resolve(MetricsLog.CSV), "step,loss\n1,0.5\n2,0.");
        Files.writeString(dir.resolve(MetricsLog.JSONL), "{\"step\":1,\"loss\":0.5}\n{\"step\":2,");
        try (MetricsLog log = new MetricsLog(dir, true)) {
            log.log(row("step", 2, "loss", 0.25));
        }
        assertEquals("step,loss\n1,0.5\n2,0.25\n", Files.readString(dir.resolve(MetricsLog.CSV)));
        assertEquals("{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.25}\n",
                Files.readString(dir.resolve(MetricsLog.JSONL)));

        Path fresh = dir.resolve("fresh");
        try (MetricsLog log = new MetricsLog(fresh, true)) {
            log.log(row("step", 0, "loss", 1.0));
        }
        assertEquals(List.of("step,loss", "0,1.0"), Files.readAllLines(fresh.resolve(MetricsLog.CSV)),
                "append on a new directory starts the files");
    }

    @Test
    void csvReaderHandlesQuotedCells() throws IOException {
        try (MetricsLog log = new MetricsLog(dir, false)) {
            log.log(row("step", 1, "run, name", "line\nbreak", "q", "\"quoted\""));
        }
        List<List<String>> records = MetricsLog.readCsv(dir.resolve(MetricsLog.CSV));
        assertEquals(List.of(List.of("step", "run, name", "q"), List.of("1", "line\nbreak", "\"quoted\"")), records);
        try (MetricsLog log = new MetricsLog(dir, true)) {
            assertEquals(List.of("step", "run, name", "q"), log.columns());
        }
    }
}
