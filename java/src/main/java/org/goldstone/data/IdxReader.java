package org.goldstone.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format, http://yann.lecun.com/exdb/mnist): a big-endian magic {@code 0, 0, type, ndims},
 * then {@code ndims} big-endian int32 dims, then the row-major data. Only type {@code 0x08} (unsigned byte) is
 * supported. Gzip is recognised by its {@code 0x1f 0x8b} header, not by the file name. Every failure is a
 * {@link DataException} naming the file, what was expected and what was found.
 */
public final class IdxReader {
    static final int TYPE_UBYTE = 0x08;

    private IdxReader() {
    }

    /** Reads and parses one IDX file, raw or gzip. */
    public static IdxArray read(Path file) {
        return parse(readDecompressed(file), file);
    }

    /** The file's bytes, gunzipped if the file starts with the gzip header; header of the IDX array included. */
    static byte[] readDecompressed(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": expected an IDX file, found no such file", e);
        } catch (IOException e) {
            throw new DataException(file + ": expected a readable IDX file, found " + describe(e), e);
        }
        if (raw.length < 2 || (raw[0] & 0xff) != 0x1f || (raw[1] & 0xff) != 0x8b) {
            return raw;
        }
        // GZIPInputStream reads concatenated members; a larger buffer than the default 512 B halves inflate time.
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new DataException(file + ": corrupt gzip: expected a complete gzip stream, found it cut short ("
                    + describe(e) + ")", e);
        } catch (ZipException e) {
            throw new DataException(file + ": corrupt gzip: expected a valid gzip stream, found " + describe(e), e);
        } catch (IOException e) {
            throw new DataException(file + ": corrupt gzip: expected a readable gzip stream, found " + describe(e), e);
        }
    }

    /** Parses decompressed IDX bytes; {@code file} only names the source in messages. */
    static IdxArray parse(byte[] bytes, Path file) {
        if (bytes.length < 4) {
            throw new DataException(file + ": truncated header: expected at least 4 bytes of magic, found "
                    + bytes.length + " bytes");
        }
        int magic = readInt(bytes, 0);
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new DataException(file + ": bad magic: expected 0x0000TTNN (two zero bytes, type, ndims), found "
                    + String.format("0x%08x", magic));
        }
        int type = bytes[2] & 0xff;
        if (type != TYPE_UBYTE) {
            throw new DataException(file + ": unsupported type: expected 0x08 (unsigned byte), found "
                    + String.format("0x%02x", type) + " (" + typeName(type) + ")");
        }
        int ndims = bytes[3] & 0xff;
        if (ndims == 0) {
            throw new DataException(file + ": bad magic: expected ndims >= 1, found 0 in "
                    + String.format("0x%08x", magic));
        }
        int header = 4 + 4 * ndims;
        if (bytes.length < header) {
            throw new DataException(file + ": truncated header: expected " + header + " bytes for " + ndims
                    + " dims, found " + bytes.length + " bytes");
        }
        int[] dims = new int[ndims];
        long count = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = readInt(bytes, 4 + 4 * i);
            if (dims[i] < 0) {
                throw new DataException(file + ": bad dimension " + i + ": expected 0.." + Integer.MAX_VALUE
                        + ", found " + Integer.toUnsignedString(dims[i]));
            }
            count *= dims[i];
            if (count > Integer.MAX_VALUE - header) {
                throw new DataException(file + ": too large: expected at most " + (Integer.MAX_VALUE - header)
                        + " elements, found dims " + IdxArray.shape(Arrays.copyOf(dims, i + 1)) + "...");
            }
        }
        long found = bytes.length - header;
        if (found < count) {
            throw new DataException(file + ": truncated data: expected " + count + " bytes after the header for dims "
                    + IdxArray.shape(dims) + ", found " + found);
        }
        if (found > count) {
            throw new DataException(file + ": trailing garbage: expected " + count + " bytes after the header for dims "
                    + IdxArray.shape(dims) + ", found " + found);
        }
        return new IdxArray(dims, Arrays.copyOfRange(bytes, header, bytes.length));
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "int16";
            case 0x0C -> "int32";
            case 0x0D -> "float32";
            case 0x0E -> "float64";
            default -> "not an IDX type";
        };
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }
}
