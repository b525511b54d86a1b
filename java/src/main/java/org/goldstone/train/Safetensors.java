package org.goldstone.train;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The safetensors format, byte for byte as the Hugging Face {@code safetensors} library writes it:
 * <pre>
 * [u64 little-endian N] [N bytes of UTF-8 JSON, space-padded to a multiple of 8] [byte buffer]
 * {"__metadata__": {str: str}, name: {"dtype": "F32"|"F64"|"I64", "shape": [d0, d1, ..], "data_offsets": [begin, end]}}
 * </pre>
 * Data are little-endian and row-major; offsets count from the start of the byte buffer, and the tensors tile it
 * with no gaps and no overlap. {@code __metadata__} is written only when there is metadata.
 *
 * <p>{@link #write} is atomic: the bytes go to a temporary file in the target's directory, are forced to disk and
 * renamed over the target, so a reader sees either the old file or the complete new one, never a partial write.
 * {@link #read} checks every length and offset before it trusts them.
 */
public final class Safetensors {
    /** Header limit of the reference implementation (MAX_HEADER_SIZE in safetensors' Rust crate). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA = "__metadata__";
    private static final int CHUNK = 1 << 20;               // a multiple of every element size
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();
    private static final System.Logger LOG = System.getLogger(Safetensors.class.getName());

    private Safetensors() {
    }

    /**
     * One named tensor: its dtype as written in the file ("F32", "F64" or "I64"), its shape, and its values in
     * row-major order, held as doubles. Writing F32 rounds each value to the nearest float; writing I64 requires
     * integral values in [-2^63, 2^63), and reading I64 back rounds values beyond 2^53 to the nearest double.
     * The shape is copied; the values array is held, not copied, since checkpoints can be large.
     */
    public record Tensor(String dtype, long[] shape, double[] values) {
        public Tensor {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(values, "values");
            if (elementSize(dtype) < 0) {
                throw new IllegalArgumentException("dtype must be F32, F64 or I64; found " + dtype);
            }
            shape = shape.clone();
            long count = elementCount(shape);
            if (count != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                        + " values; found " + values.length);
            }
        }

        public static Tensor f64(double[] values, long... shape) {
            return new Tensor("F64", shape, values);
        }

        public static Tensor f32(double[] values, long... shape) {
            return new Tensor("F32", shape, values);
        }

        public static Tensor i64(double[] values, long... shape) {
            return new Tensor("I64", shape, values);
        }

        /** A copy of the shape. */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Same dtype, shape and values, bit for bit (NaN equals NaN, 0.0 differs from -0.0). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && dtype.equals(t.dtype) && Arrays.equals(shape, t.shape)
                    && Arrays.equals(values, t.values);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Tensor[" + dtype + " " + Arrays.toString(shape) + ", " + values.length + " values]";
        }
    }

    /** What {@link #read} returns: tensors and metadata in file order, both unmodifiable. */
    public record Loaded(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Loaded {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Writes {@code tensors} (in the map's iteration order) and {@code metadata} to {@code file}, atomically,
     * creating the parent directory if needed. On any failure the target is left as it was, the temporary file is
     * deleted, and a {@link CheckpointException} is thrown.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        byte[] header = header(file, tensors, metadata);
        try {
            writeAtomically(file, channel -> {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(header.length);
                drain(channel, buf);
                writeFully(channel, ByteBuffer.wrap(header));
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    encode(file, e.getKey(), e.getValue(), buf, channel);
                }
                drain(channel, buf);
            });
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + file + ": " + oneLine(e.toString()), e);
        }
    }

    /** Reads and validates {@code file}; every problem is a {@link CheckpointException} naming the file. */
    public static Loaded read(Path file) {
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw bad(file, "at least 8 bytes (the header length)", size + " bytes");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, channel, lengthBytes, 0);
            long n = lengthBytes.flip().getLong();
            // n is unsigned in the format: a negative long is a length of 2^63 or more.
            if (n < 0 || n > size - 8 || n >= MAX_HEADER_BYTES) {
                throw bad(file, "header length <= file size - 8 = " + (size - 8) + " and < " + MAX_HEADER_BYTES,
                        Long.toUnsignedString(n));
            }
            byte[] headerBytes = new byte[(int) n];
            readFully(file, channel, ByteBuffer.wrap(headerBytes), 8);
            JsonNode root = parseHeader(file, headerBytes);
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                if (field.getKey().equals(METADATA)) {
                    parseMetadata(file, field.getValue(), metadata);
                } else {
                    entries.add(parseEntry(file, field.getKey(), field.getValue()));
                }
            }
            checkLayout(file, entries, size - 8 - n);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                double[] values = decode(file, channel, e, 8 + n);
                tensors.put(e.name, new Tensor(e.dtype, e.shape, values));
            }
            return new Loaded(tensors, metadata);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": expected an existing safetensors file; found none", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + oneLine(e.toString()), e);
        }
    }

    /** Bytes per element of a dtype, or -1 for a dtype this class does not handle. */
    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            default -> -1;
        };
    }

    /** Writes the file body to a temporary sibling of {@code target}. */
    @FunctionalInterface
    interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code target} atomically: {@code body} fills a new temporary file in the same directory, which is
     * forced to disk and renamed over the target (ATOMIC_MOVE; REPLACE_EXISTING only where the file system cannot
     * rename atomically). On any failure the temporary file is deleted and the exception propagates; the target is
     * untouched. Used for checkpoints, the {@code latest} pointer and plots.
     */
    static void writeAtomically(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = null;
        try {
            FileChannel channel = null;
            // CREATE_NEW rather than Files.createTempFile: the latter makes the file 0600, which the rename would
            // carry over to the checkpoint; this keeps the permissions the umask gives ordinary files.
            for (int attempt = 0; channel == null; attempt++) {
                Path candidate = dir.resolve("." + absolute.getFileName() + "." + ProcessHandle.current().pid()
                        + "." + TEMP_COUNTER.incrementAndGet() + ".tmp");
                try {
                    channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    temp = candidate;
                } catch (FileAlreadyExistsException e) {
                    if (attempt >= 100) {
                        throw e;
                    }
                }
            }
            try (FileChannel c = channel) {
                body.writeTo(c);
                c.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException d) {
                    e.addSuppressed(d);
                }
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /** Makes the rename durable. Some systems cannot open a directory; the rename is then visible but not synced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot sync directory " + dir + ": " + e);
        }
    }

    private static byte[] header(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA);
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new CheckpointException("cannot write " + file + ": expected non-null metadata keys and "
                            + "values; found " + e.getKey() + " = " + e.getValue());
                }
                meta.put(e.getKey(), e.getValue());
            }
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || name.equals(METADATA) || t == null) {
                throw new CheckpointException("cannot write " + file + ": expected a tensor under a name other than "
                        + METADATA + "; found " + name + " = " + t);
            }
            ObjectNode node = root.putObject(name);
            node.put("dtype", t.dtype());
            ArrayNode shape = node.putArray("shape");
            for (long d : t.shape) {
                shape.add(d);
            }
            long bytes = (long) t.values.length * elementSize(t.dtype);
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("cannot write " + file + ": " + oneLine(e.getOriginalMessage()), e);
        }
        int padded = (json.length + 7) & ~7;                // so the byte buffer starts 8-aligned
        if (padded >= MAX_HEADER_BYTES) {
            throw new CheckpointException("cannot write " + file + ": expected a header under " + MAX_HEADER_BYTES
                    + " bytes; found " + padded);
        }
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void encode(Path file, String name, Tensor t, ByteBuffer buf, FileChannel channel)
            throws IOException {
        double[] v = t.values;
        switch (t.dtype) {
            case "F64" -> {
                for (double x : v) {
                    if (buf.remaining() < 8) {
                        drain(channel, buf);
                    }
                    buf.putDouble(x);
                }
            }
            case "F32" -> {
                for (double x : v) {
                    if (buf.remaining() < 4) {
                        drain(channel, buf);
                    }
                    buf.putFloat((float) x);
                }
            }
            case "I64" -> {
                for (int i = 0; i < v.length; i++) {
                    double x = v[i];
                    // 2^63 itself is a double but not a long; NaN fails the first test.
                    if (!(x == Math.rint(x) && x >= -0x1p63 && x < 0x1p63)) {
                        throw new CheckpointException("cannot write " + file + ": tensor '" + name + "' is I64, "
                                + "expected integral values in [-2^63, 2^63); found " + x + " at index " + i);
                    }
                    if (buf.remaining() < 8) {
                        drain(channel, buf);
                    }
                    buf.putLong((long) x);
                }
            }
            default -> throw new IllegalStateException("unreachable dtype " + t.dtype);
        }
    }

    private static void drain(FileChannel channel, ByteBuffer buf) throws IOException {
        buf.flip();
        writeFully(channel, buf);
        buf.clear();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = channel.read(buf, p);
            if (r < 0) {
                throw bad(file, "bytes up to offset " + (p + buf.remaining()), "end of file at " + p
                        + " (file changed while reading?)");
            }
            p += r;
        }
    }

    private static JsonNode parseHeader(Path file, byte[] headerBytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(headerBytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file + ": expected a UTF-8 JSON header; found invalid UTF-8 ("
                    + oneLine(e.toString()) + ")", e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
            throw new CheckpointException(file + ": expected a valid JSON header; found invalid JSON" + where + " ("
                    + oneLine(e.getOriginalMessage()) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "a JSON object as header", root == null || root.isMissingNode() ? "an empty header"
                    : "a JSON " + root.getNodeType().toString().toLowerCase());
        }
        return root;
    }

    private static void parseMetadata(Path file, JsonNode node, Map<String, String> into) {
        if (!node.isObject()) {
            throw bad(file, METADATA + " as an object of strings", oneLine(node.toString()));
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw bad(file, METADATA + " values that are strings", e.getKey() + " = "
                        + oneLine(e.getValue().toString()));
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    /** One tensor's header entry, checked against itself (dtype, shape, offsets agree), not yet against others. */
    private record Entry(String name, String dtype, long[] shape, long begin, long end) {
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String what = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw bad(file, what + " as an object with dtype, shape, data_offsets", oneLine(node.toString()));
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual() || elementSize(dtypeNode.textValue()) < 0) {
            throw bad(file, what + " with dtype F32, F64 or I64", "dtype " + dtypeNode);
        }
        String dtype = dtypeNode.textValue();
        long[] shape = longs(file, what, "shape", node.get("shape"), -1);
        long[] offsets = longs(file, what, "data_offsets", node.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw bad(file, what + " with data_offsets begin <= end", Arrays.toString(offsets));
        }
        long count;
        long bytes;
        try {
            count = elementCount(shape);
            bytes = Math.multiplyExact(count, (long) elementSize(dtype));
        } catch (ArithmeticException e) {
            throw bad(file, what + " with fewer than 2^63 bytes", "shape " + Arrays.toString(shape));
        }
        if (bytes != end - begin) {
            throw bad(file, what + " spanning " + dtype + " size x shape " + Arrays.toString(shape) + " = " + bytes
                    + " bytes", "data_offsets " + Arrays.toString(offsets) + " spanning " + (end - begin) + " bytes");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw bad(file, what + " with at most 2^31 - 9 elements (a Java array)", count + " elements");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON array of non-negative integers, of length {@code length} unless that is -1. */
    private static long[] longs(Path file, String what, String key, JsonNode node, int length) {
        String expected = what + " with " + key + " an array of " + (length < 0 ? "" : length + " ")
                + "non-negative integers";
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw bad(file, expected, key + " " + (node == null ? "missing" : oneLine(node.toString())));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = node.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < 0) {
                throw bad(file, expected, key + " " + oneLine(node.toString()));
            }
            out[i] = x.longValue();
        }
        return out;
    }

    /** The tensors must tile [0, bufferBytes) exactly: no gap, no overlap, nothing past the end. */
    private static void checkLayout(Path file, List<Entry> entries, long bufferBytes) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        String previous = null;
        for (Entry e : byOffset) {
            if (e.end > bufferBytes) {
                throw bad(file, "tensor '" + e.name + "' inside the byte buffer of " + bufferBytes
                        + " bytes (file size - 8 - header length)", "data_offsets [" + e.begin + ", " + e.end + "]");
            }
            if (e.begin < expected) {
                throw bad(file, "non-overlapping data_offsets", "tensor '" + e.name + "' at [" + e.begin + ", "
                        + e.end + "] overlapping tensor '" + previous + "' which ends at " + expected);
            }
            if (e.begin > expected) {
                throw bad(file, "contiguous data_offsets, tensor '" + e.name + "' beginning at " + expected,
                        "a gap: it begins at " + e.begin);
            }
            expected = e.end;
            previous = e.name;
        }
        if (expected != bufferBytes) {
            throw bad(file, "a byte buffer of " + expected + " bytes, as the header's data_offsets say",
                    bufferBytes + " bytes (file size - 8 - header length)");
        }
    }

    private static double[] decode(Path file, FileChannel channel, Entry e, long bufferStart) throws IOException {
        int size = elementSize(e.dtype);
        int count = (int) ((e.end - e.begin) / size);
        double[] values = new double[count];
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
        long position = bufferStart + e.begin;
        int i = 0;
        while (i < count) {
            int elements = Math.min(count - i, buf.capacity() / size);
            buf.clear().limit(elements * size);
            readFully(file, channel, buf, position);
            position += (long) elements * size;
            buf.flip();
            switch (e.dtype) {
                case "F64" -> {
                    for (int k = 0; k < elements; k++) {
                        values[i++] = buf.getDouble();
                    }
                }
                case "F32" -> {
                    for (int k = 0; k < elements; k++) {
                        values[i++] = buf.getFloat();
                    }
                }
                case "I64" -> {
                    for (int k = 0; k < elements; k++) {
                        values[i++] = buf.getLong();
                    }
                }
                default -> throw new IllegalStateException("unreachable dtype " + e.dtype);
            }
        }
        return values;
    }

    private static long elementCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape must have non-negative dimensions; found "
                        + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    private static CheckpointException bad(Path file, String expected, String found) {
        return new CheckpointException(file + ": expected " + expected + "; found " + found);
    }

    static String oneLine(String s) {
        return s == null ? "null" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
