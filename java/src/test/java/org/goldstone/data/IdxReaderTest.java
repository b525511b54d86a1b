package org.goldstone.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** 2x3 ubyte images with values that exercise the unsigned conversion (0, 127, 128, 255). */
    private static final int[] DIMS = {2, 3};
    private static final byte[] DATA = {0, 1, 127, (byte) 128, (byte) 254, (byte) 255};

    static byte[] encode(int type, int[] dims, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(type);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static void assertMessage(DataException e, Path file, String... parts) {
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), () -> "message does not name the file " + file + ": " + m);
        assertTrue(m.contains("expected") && m.contains("found"), () -> "message lacks expected/found: " + m);
        assertTrue(!m.contains("\n"), () -> "message is not one line: " + m);
        for (String part : parts) {
            assertTrue(m.contains(part), () -> "message lacks '" + part + "': " + m);
        }
    }

    @Test
    void readsRawFileExactly() throws IOException {
        IdxArray a = IdxReader.read(write("raw.idx", encode(0x08, DIMS, DATA)));
        assertArrayEquals(DIMS, a.dims());
        assertArrayEquals(DATA, a.data());
        assertEquals(0, a.unsigned(0));
        assertEquals(127, a.unsigned(2));
        assertEquals(128, a.unsigned(3));
        assertEquals(255, a.unsigned(5));
        assertEquals("2x3", a.shape());
    }

    @Test
    void readsGzipFileDetectedByHeaderNotName() throws IOException {
        Path p = write("looks-raw.idx", gzip(encode(0x08, DIMS, DATA)));
        assertEquals(new IdxArray(DIMS, DATA), IdxReader.read(p));
    }

    @Test
    void readsMnistStyleLabels() throws IOException {
        byte[] labels = {9, 0, 0, 3};
        IdxArray a = IdxReader.read(write("labels.gz", gzip(encode(0x08, new int[] {4}, labels))));
        assertArrayEquals(new int[] {4}, a.dims());
        assertArrayEquals(labels, a.data());
    }

    @Test
    void truncatedDataNamesExpectedAndFoundBytes() throws IOException {
        byte[] good = encode(0x08, DIMS, DATA);
        Path p = write("short.idx", Arrays.copyOf(good, good.length - 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "truncated", "expected 6 bytes", "found 4");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path p = write("header.idx", Arrays.copyOf(encode(0x08, DIMS, DATA), 9));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "truncated header", "expected 12 bytes", "found 9");
    }

    @Test
    void trailingGarbage() throws IOException {
        byte[] good = encode(0x08, DIMS, DATA);
        Path p = write("long.idx", Arrays.copyOf(good, good.length + 3));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "trailing garbage", "expected 6 bytes", "found 9");
    }

    @Test
    void badMagic() throws IOException {
        byte[] bytes = encode(0x08, DIMS, DATA);
        bytes[0] = 0x12;
        Path p = write("magic.idx", bytes);
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "bad magic", "0x12000802");
    }

    @Test
    void unsupportedType() throws IOException {
        Path p = write("float.idx", encode(0x0D, new int[] {1}, new byte[4]));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "unsupported type", "0x08", "0x0d", "float32");
    }

    @Test
    void corruptGzipBody() throws IOException {
        byte[] gz = gzip(encode(0x08, new int[] {64, 64}, new byte[64 * 64]));
        for (int i = 12; i < gz.length - 8; i++) {
            gz[i] ^= (byte) 0x5a;                  // scramble the deflate body, keep the gzip header
        }
        Path p = write("corrupt.gz", gz);
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "corrupt gzip");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz = gzip(encode(0x08, DIMS, DATA));
        Path p = write("cut.gz", Arrays.copyOf(gz, gz.length - 10));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "corrupt gzip");
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("absent.idx");
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(p));
        assertMessage(e, p, "no such file");
    }

    @Test
    void directoryIsNotAFile() {
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(dir));
        assertMessage(e, dir);
    }

    @Test
    void idxArrayRejectsInconsistentLength() {
        DataException e = assertThrows(DataException.class, () -> new IdxArray(new int[] {2, 2}, new byte[3]));
        assertTrue(e.getMessage().contains("expected 4 bytes") && e.getMessage().contains("found 3"), e.getMessage());
    }
}
