package org.goldstone.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.goldstone.GoldstoneException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends one row of metrics per call to two files in a run directory, flushed after every row:
 * <ul>
 *   <li>{@code metrics.csv}: RFC 4180, header from the first row's keys (in the map's iteration order, so pass a
 *       {@code LinkedHashMap}); every later row must have the same key set;</li>
 *   <li>{@code metrics.jsonl}: the same row as one JSON object per line, keys in the CSV's column order.</li>
 * </ul>
 * Values are {@link Number}, {@link String} or {@link Boolean}. Doubles are written with full precision
 * ({@link Double#toString}); a non-finite double is {@code NaN}/{@code Infinity} in the CSV and {@code null} in
 * JSON, which has no such numbers. In append mode (a resumed run) the files are continued: the existing CSV header
 * fixes the columns, and a partial last line left by a crash is cut off first.
 */
public final class MetricsLog implements AutoCloseable {
    public static final String CSV = "metrics.csv";
    public static final String JSONL = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path csvFile;
    private final Path jsonlFile;
    private final Writer csv;
    private final Writer jsonl;
    private List<String> columns;                           // null until the first row or an existing header
    private boolean closed;

    /**
     * Opens {@code dir/metrics.csv} and {@code dir/metrics.jsonl}, creating {@code dir}; truncates them unless
     * {@code append}.
     */
    public MetricsLog(Path dir, boolean append) {
        Objects.requireNonNull(dir, "dir");
        csvFile = dir.resolve(CSV);
        jsonlFile = dir.resolve(JSONL);
        try {
            Files.createDirectories(dir);
            if (append) {
                dropPartialLastLine(csvFile);
                dropPartialLastLine(jsonlFile);
                columns = existingHeader(csvFile);
            }
        } catch (IOException e) {
            throw new GoldstoneException("cannot open metrics in " + dir + ": " + Safetensors.oneLine(e.toString()), e);
        }
        StandardOpenOption mode = append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        csv = open(csvFile, mode);
        try {
            jsonl = open(jsonlFile, mode);
        } catch (RuntimeException e) {
            try {
                csv.close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    public Path csvFile() {
        return csvFile;
    }

    public Path jsonlFile() {
        return jsonlFile;
    }

    /** The CSV columns in order; empty until the first row (or an existing header, in append mode). */
    public List<String> columns() {
        return columns == null ? List.of() : columns;
    }

    /** Writes {@code row} to both files and flushes them. */
    public void log(Map<String, ?> row) {
        Objects.requireNonNull(row, "row");
        if (closed) {
            throw new IllegalStateException("metrics log " + csvFile + " is closed");
        }
        if (row.isEmpty()) {
            throw new IllegalArgumentException("a metrics row must have at least one column; found none");
        }
        for (Map.Entry<String, ?> e : row.entrySet()) {
            Object v = e.getValue();
            if (e.getKey() == null || !(v instanceof Number || v instanceof String || v instanceof Boolean)) {
                throw new IllegalArgumentException("metric '" + e.getKey() + "': expected a Number, String or "
                        + "Boolean value; found " + (v == null ? "null" : v.getClass().getName() + " " + v));
            }
        }
        StringBuilder line = new StringBuilder();
        if (columns == null) {
            List<String> header = new ArrayList<>(row.keySet());
            for (int i = 0; i < header.size(); i++) {
                line.append(i == 0 ? "" : ",").append(csvCell(header.get(i)));
            }
            line.append('\n');
            columns = List.copyOf(header);
        } else if (row.size() != columns.size() || !row.keySet().equals(new HashSet<>(columns))) {
            throw new IllegalArgumentException("metrics row for " + csvFile + ": expected columns " + columns
                    + "; found " + row.keySet());
        }
        ObjectNode json = JSON.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            Object v = row.get(c);
            line.append(i == 0 ? "" : ",").append(csvCell(v));
            putJson(json, c, v);
        }
        line.append('\n');
        try {
            String jsonLine = JSON.writeValueAsString(json) + "\n";
            csv.write(line.toString());
            csv.flush();
            jsonl.write(jsonLine);
            jsonl.flush();
        } catch (JsonProcessingException e) {
            throw new GoldstoneException("cannot encode metrics row " + row + " as JSON: "
                    + Safetensors.oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new GoldstoneException("cannot write metrics to " + csvFile + " and " + jsonlFile + ": "
                    + Safetensors.oneLine(e.toString()), e);
        }
    }

    /** Closes both files; a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (Writer w : new Writer[] {csv, jsonl}) {
            try {
                w.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw new GoldstoneException("cannot close metrics in " + csvFile.getParent() + ": "
                    + Safetensors.oneLine(failure.toString()), failure);
        }
    }

    /**
     * Reads a CSV file as written here (RFC 4180: quoted cells may hold commas, quotes and newlines) into records of
     * cells, header first. A blank line is no record.
     */
    static List<List<String>> readCsv(Path file) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (List<String> rec = nextRecord(r); rec != null; rec = nextRecord(r)) {
                if (!(rec.size() == 1 && rec.get(0).isEmpty())) {
                    records.add(rec);
                }
            }
        }
        return records;
    }

    /** The next CSV record, or null at the end of input. */
    private static List<String> nextRecord(Reader r) throws IOException {
        int c = r.read();
        if (c < 0) {
            return null;
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        while (true) {
            if (quoted) {
                if (c < 0) {
                    throw new IOException("unterminated quoted CSV cell: " + cell);
                }
                if (c == '"') {
                    int next = r.read();
                    if (next == '"') {
                        cell.append('"');
                    } else {
                        quoted = false;
                        c = next;
                        continue;
                    }
                } else {
                    cell.append((char) c);
                }
            } else if (c < 0 || c == '\n') {
                cells.add(cell.toString());
                return cells;
            } else if (c == '\r') {
                // CRLF ends the record like LF; a lone CR is kept as text.
                r.mark(1);
                if (r.read() != '\n') {
                    r.reset();
                    cell.append('\r');
                } else {
                    cells.add(cell.toString());
                    return cells;
                }
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c == '"' && cell.length() == 0) {
                quoted = true;
            } else {
                cell.append((char) c);
            }
            c = r.read();
        }
    }

    private static Writer open(Path file, StandardOpenOption mode) {
        try {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, mode);
        } catch (IOException e) {
            throw new GoldstoneException("cannot open " + file + ": " + Safetensors.oneLine(e.toString()), e);
        }
    }

    /** The header of an existing CSV, or null when there is none yet. */
    private static List<String> existingHeader(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return null;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return List.copyOf(nextRecord(r));
        }
    }

    /** Cuts a file back to its last newline: a crash can leave half a row, which no reader should see. */
    private static void dropPartialLastLine(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = ch.size();
            ByteBuffer block = ByteBuffer.allocate(8192);
            long keep = 0;
            search:
            for (long pos = end; pos > 0; ) {
                int n = (int) Math.min(block.capacity(), pos);
                pos -= n;
                block.clear().limit(n);
                while (block.hasRemaining()) {
                    if (ch.read(block, pos + block.position()) < 0) {
                        throw new IOException("file " + file + " shrank while reading");
                    }
                }
                for (int i = n - 1; i >= 0; i--) {
                    if (block.get(i) == '\n') {
                        keep = pos + i + 1;
                        break search;
                    }
                }
            }
            if (keep < end) {
                ch.truncate(keep);
            }
        }
    }

    private static String csvCell(Object v) {
        String s;
        if (v instanceof Double d) {
            s = Double.toString(d);
        } else if (v instanceof Float f) {
            s = Float.toString(f);
        } else if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long
                || v instanceof BigInteger || v instanceof BigDecimal || v instanceof String || v instanceof Boolean) {
            s = v.toString();
        } else {
            s = Double.toString(((Number) v).doubleValue());
        }
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    private static void putJson(ObjectNode json, String key, Object v) {
        if (v instanceof String s) {
            json.put(key, s);
        } else if (v instanceof Boolean b) {
            json.put(key, b);
        } else if (v instanceof Float f) {
            if (Float.isFinite(f)) {
                json.put(key, f);
            } else {
                json.putNull(key);
            }
        } else if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            json.put(key, ((Number) v).longValue());
        } else if (v instanceof BigInteger b) {
            json.put(key, b);
        } else if (v instanceof BigDecimal b) {
            json.put(key, b);
        } else {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                json.put(key, d);
            } else {
                json.putNull(key);
            }
        }
    }
}
