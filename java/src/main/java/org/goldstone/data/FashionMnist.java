package org.goldstone.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28x28 grey images in 10 classes, 60000 train and 10000 test,
 * as four IDX files (gzip or raw) such as the Debian package {@code dataset-fashion-mnist} installs. The
 * decompressed bytes of each file, header included, must match the SHA-256 of the official release.
 */
public final class FashionMnist {
    /** Where {@code apt install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    static final int SIDE = 28;
    static final int CLASSES = 10;
    static final int TRAIN_SIZE = 60000;
    static final int TEST_SIZE = 10000;

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final String[] STEMS = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};

    // SHA-256 of the decompressed official files (header included), from the files the Debian package installs;
    // the gzip files themselves may differ in compression level, the decompressed bytes may not.
    static final String SHA256_TRAIN_IMAGES = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888";
    static final String SHA256_TRAIN_LABELS = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9";
    static final String SHA256_TEST_IMAGES = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b";
    static final String SHA256_TEST_LABELS = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34";

    /** How pixels p in 0..255 become floats. */
    public enum Scaling {
        /** (p/255 - mean) / std, one global mean and population std over all training pixels, for both splits. */
        STANDARDIZED,
        /** p/255, in [0, 1]. */
        UNIT
    }

    private FashionMnist() {
    }

    /**
     * The directory holding the four files ({@code <stem>.gz} or {@code <stem>}). An explicit {@code dir} must hold
     * all four, else {@link DataException} names the first missing one. With {@code null}: {@link #DEFAULT_DIR} if
     * that directory exists (then it too must be complete), else empty.
     */
    public static Optional<Path> locate(Path dirOrNull) {
        Path dir = dirOrNull;
        if (dir == null) {
            if (!Files.isDirectory(DEFAULT_DIR)) {
                return Optional.empty();
            }
            dir = DEFAULT_DIR;
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException("Fashion-MNIST: expected a directory, found "
                    + (Files.exists(dir) ? "a file" : "nothing") + " at " + dir);
        }
        for (String stem : STEMS) {
            file(dir, stem);
        }
        return Optional.of(dir);
    }

    /**
     * Loads and checks both splits from {@code dir} ({@code null}: {@link #DEFAULT_DIR}): checksums, 28x28 images,
     * 60000 / 10000 samples, as many labels as images, labels below 10. Features are the 784 pixels in row-major
     * order; see {@link Scaling}.
     */
    public static Split load(Path dir, Scaling scaling) {
        if (scaling == null) {
            throw new DataException("Fashion-MNIST: expected a scaling (STANDARDIZED or UNIT), found null");
        }
        Path root = locate(dir).orElseThrow(() -> new DataException("Fashion-MNIST: expected the files in "
                + DEFAULT_DIR + " (apt install dataset-fashion-mnist) or an explicit directory, found no directory"));
        IdxArray trainImages = checkedRead(file(root, TRAIN_IMAGES), SHA256_TRAIN_IMAGES);
        IdxArray trainLabels = checkedRead(file(root, TRAIN_LABELS), SHA256_TRAIN_LABELS);
        IdxArray testImages = checkedRead(file(root, TEST_IMAGES), SHA256_TEST_IMAGES);
        IdxArray testLabels = checkedRead(file(root, TEST_LABELS), SHA256_TEST_LABELS);
        checkShapes(file(root, TRAIN_IMAGES), trainImages, file(root, TRAIN_LABELS), trainLabels, TRAIN_SIZE);
        checkShapes(file(root, TEST_IMAGES), testImages, file(root, TEST_LABELS), testLabels, TEST_SIZE);

        float[] lut = new float[256];
        if (scaling == Scaling.UNIT) {
            for (int p = 0; p < 256; p++) {
                lut[p] = (float) (p / 255.0);
            }
        } else {
            // A 256-bin histogram gives the exact mean and variance in double without a pass over floats.
            long[] histogram = new long[256];
            byte[] pixels = trainImages.data();
            for (byte b : pixels) {
                histogram[b & 0xff]++;
            }
            double mean = 0;
            for (int p = 0; p < 256; p++) {
                mean += histogram[p] * (p / 255.0);
            }
            mean /= pixels.length;
            double variance = 0;
            for (int p = 0; p < 256; p++) {
                double e = p / 255.0 - mean;
                variance += histogram[p] * e * e;
            }
            double std = Math.sqrt(variance / pixels.length);
            for (int p = 0; p < 256; p++) {
                lut[p] = (float) ((p / 255.0 - mean) / std);
            }
        }
        String suffix = scaling == Scaling.UNIT ? " (unit)" : " (standardized)";
        return new Split(toDataset("fashion-mnist/train" + suffix, trainImages, trainLabels, lut),
                toDataset("fashion-mnist/test" + suffix, testImages, testLabels, lut));
    }

    /** {@code dir/<stem>.gz} if it exists, else {@code dir/<stem>}, else a {@link DataException} naming both. */
    static Path file(Path dir, String stem) {
        Path gz = dir.resolve(stem + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(stem);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new DataException("Fashion-MNIST: expected " + gz + " or " + raw + ", found neither");
    }

    private static IdxArray checkedRead(Path file, String expectedSha256) {
        byte[] bytes = IdxReader.readDecompressed(file);
        String found = sha256(bytes);
        if (!found.equals(expectedSha256)) {
            throw new DataException(file + ": checksum mismatch of the decompressed bytes: expected SHA-256 "
                    + expectedSha256 + ", found " + found);
        }
        return IdxReader.parse(bytes, file);
    }

    private static void checkShapes(Path imagesFile, IdxArray images, Path labelsFile, IdxArray labels, int n) {
        int[] di = images.dims();
        if (di.length != 3 || di[0] != n || di[1] != SIDE || di[2] != SIDE) {
            throw new DataException(imagesFile + ": expected images " + n + "x" + SIDE + "x" + SIDE + ", found "
                    + images.shape());
        }
        int[] dl = labels.dims();
        if (dl.length != 1 || dl[0] != di[0]) {
            throw new DataException(labelsFile + ": expected " + di[0] + " labels (one per image), found dims "
                    + labels.shape());
        }
        byte[] l = labels.data();
        for (int i = 0; i < l.length; i++) {
            if ((l[i] & 0xff) >= CLASSES) {
                throw new DataException(labelsFile + ": label " + i + ": expected 0.." + (CLASSES - 1) + ", found "
                        + (l[i] & 0xff));
            }
        }
    }

    private static Dataset toDataset(String name, IdxArray images, IdxArray labels, float[] lut) {
        byte[] pixels = images.data();
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = lut[pixels[i] & 0xff];
        }
        byte[] l = labels.data();
        int[] y = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            y[i] = l[i] & 0xff;
        }
        return new Dataset(name, SIDE * SIDE, CLASSES, x, y);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new DataException("SHA-256: expected the JDK to provide it, found " + e.getMessage(), e);
        }
    }
}
