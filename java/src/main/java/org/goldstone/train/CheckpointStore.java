package org.goldstone.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A directory of checkpoints named {@code step-%09d.safetensors}, plus a one-line text file {@code latest} that
 * names the last one saved. {@link #save} writes atomically, then updates {@code latest} atomically, then deletes
 * the oldest checkpoints so that {@code keepLast} remain. Files that do not match the naming pattern exactly
 * (notes, other runs' files, leftover temporary files) are never listed and never deleted.
 */
public final class CheckpointStore {
    /** Name of the pointer file holding the file name of the last checkpoint saved. */
    public static final String LATEST = "latest";
    private static final Pattern NAME = Pattern.compile("step-(\\d{9,19})\\.safetensors");
    private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());

    private final Path dir;
    private final int keepLast;

    /** {@code dir} is created on the first save; {@code keepLast >= 1} checkpoints are kept. */
    public CheckpointStore(Path dir, int keepLast) {
        this.dir = Objects.requireNonNull(dir, "dir");
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be >= 1; found " + keepLast);
        }
        this.keepLast = keepLast;
    }

    public Path dir() {
        return dir;
    }

    public int keepLast() {
        return keepLast;
    }

    /** The file name a checkpoint of {@code step} gets: {@code step-%09d.safetensors}. */
    public static String fileName(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0; found " + step);
        }
        return String.format(Locale.ROOT, "step-%09d.safetensors", step);
    }

    /** The step in a checkpoint's file name, or empty when the name is not exactly {@link #fileName}'s. */
    public static OptionalLong step(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return OptionalLong.empty();
        }
        Matcher m = NAME.matcher(name.toString());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long step;
        try {
            step = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();                    // 19 digits beyond Long.MAX_VALUE: not ours
        }
        // "step-0000000001" has the pattern's shape but is not the name we would give step 1.
        return fileName(step).equals(name.toString()) ? OptionalLong.of(step) : OptionalLong.empty();
    }

    /**
     * Saves a checkpoint for {@code step} (replacing one of the same step), points {@code latest} at it and deletes
     * the oldest others beyond {@code keepLast}. The file just saved is never deleted, even when it is not the
     * highest step (a run resumed from an earlier checkpoint). Returns the checkpoint's path.
     */
    public Path save(long step, Map<String, Safetensors.Tensor> tensors, Map<String, String> metadata) {
        Path target = dir.resolve(fileName(step));
        Safetensors.write(target, tensors, metadata);
        byte[] pointer = (target.getFileName() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Safetensors.writeAtomically(dir.resolve(LATEST), channel -> {
                ByteBuffer buf = ByteBuffer.wrap(pointer);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("saved " + target + " but cannot update " + dir.resolve(LATEST) + ": "
                    + Safetensors.oneLine(e.toString()), e);
        }
        List<Path> others = new ArrayList<>(list());
        others.removeIf(p -> p.getFileName().equals(target.getFileName()));
        for (int i = 0; i < others.size() - (keepLast - 1); i++) {
            try {
                Files.deleteIfExists(others.get(i));
            } catch (IOException e) {
                throw new CheckpointException("saved " + target + " but cannot delete old checkpoint " + others.get(i)
                        + ": " + Safetensors.oneLine(e.toString()), e);
            }
        }
        return target;
    }

    /**
     * The checkpoint {@code latest} names, if that file exists; otherwise (no pointer yet, or a pointer to a file
     * since removed) the checkpoint with the highest step; empty when there is none.
     */
    public Optional<Path> latest() {
        Path pointer = dir.resolve(LATEST);
        String name = null;
        try {
            long size = Files.size(pointer);
            name = size <= 256 ? Files.readString(pointer, StandardCharsets.UTF_8).strip() : "(" + size + " bytes)";
        } catch (NoSuchFileException e) {
            name = null;
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + pointer + ": " + Safetensors.oneLine(e.toString()), e);
        }
        if (name != null) {
            Path named = dir.resolve(name);
            if (step(named).isPresent() && Files.isRegularFile(named)) {
                return Optional.of(named);
            }
            LOG.log(System.Logger.Level.WARNING, pointer + " names '" + name + "', which is not a checkpoint here; "
                    + "using the highest step instead");
        }
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The checkpoints in the directory, by ascending step; empty when the directory does not exist. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (step(p).isPresent() && Files.isRegularFile(p)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoints in " + dir + ": "
                    + Safetensors.oneLine(e.toString()), e);
        }
        found.sort(Comparator.comparingLong(p -> step(p).getAsLong()));
        return List.copyOf(found);
    }
}
