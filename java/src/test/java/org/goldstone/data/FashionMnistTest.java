package org.goldstone.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    /** Writes the four files as tiny but well-formed IDX arrays (2 images of 28x28), raw or gzip. */
    private void writeFake(boolean gzip, String skip) throws IOException {
        String[] stems = {FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, FashionMnist.TEST_IMAGES,
                FashionMnist.TEST_LABELS};
        for (String stem : stems) {
            if (stem.equals(skip)) {
                continue;
            }
            byte[] idx = stem.contains("images")
                    ? IdxReaderTest.encode(0x08, new int[] {2, 28, 28}, new byte[2 * 28 * 28])
                    : IdxReaderTest.encode(0x08, new int[] {2}, new byte[] {1, 2});
            Files.write(dir.resolve(gzip ? stem + ".gz" : stem), gzip ? IdxReaderTest.gzip(idx) : idx);
        }
    }

    @Test
    void locateAcceptsRawAndGzipNames() throws IOException {
        writeFake(false, null);
        assertEquals(Optional.of(dir), FashionMnist.locate(dir));
        assertEquals(dir.resolve(FashionMnist.TEST_LABELS), FashionMnist.file(dir, FashionMnist.TEST_LABELS));
    }

    @Test
    void locateNamesTheMissingFile() throws IOException {
        writeFake(true, FashionMnist.TEST_IMAGES);
        DataException e = assertThrows(DataException.class, () -> FashionMnist.locate(dir));
        String m = e.getMessage();
        assertTrue(m.contains("t10k-images-idx3-ubyte.gz") && m.contains("expected") && m.contains("found"), m);
        assertThrows(DataException.class, () -> FashionMnist.locate(dir.resolve("nowhere")));
    }

    @Test
    void locateWithoutDirectoryFallsBackToDefault() {
        Optional<Path> found = FashionMnist.locate(null);
        assertEquals(Files.isDirectory(FashionMnist.DEFAULT_DIR), found.isPresent(), "locate(null) = " + found);
    }

    @Test
    void loadRejectsFilesThatAreNotTheOfficialOnes() throws IOException {
        writeFake(true, null);
        DataException e = assertThrows(DataException.class, () -> FashionMnist.load(dir, FashionMnist.Scaling.UNIT));
        String m = e.getMessage();
        assertTrue(m.contains("train-images-idx3-ubyte.gz") && m.contains("checksum mismatch")
                && m.contains("expected SHA-256 " + FashionMnist.SHA256_TRAIN_IMAGES) && m.contains("found "), m);
    }

    @Test
    void loadsTheInstalledDataSet() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST not installed at "
                + FashionMnist.DEFAULT_DIR + " (apt install dataset-fashion-mnist)");
        long start = System.nanoTime();
        Split s = FashionMnist.load(null, FashionMnist.Scaling.STANDARDIZED);
        double seconds = (System.nanoTime() - start) * 1e-9;
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(784, s.train().features());
        assertEquals(10, s.train().classes());
        int[] trainCounts = new int[10];
        int[] testCounts = new int[10];
        java.util.Arrays.fill(trainCounts, 6000);
        java.util.Arrays.fill(testCounts, 1000);
        assertArrayEquals(trainCounts, s.train().classCounts());
        assertArrayEquals(testCounts, s.test().classCounts());

        float[] x = s.train().x();
        double mean = 0;
        double square = 0;
        for (float v : x) {
            mean += v;
            square += (double) v * v;
        }
        mean /= x.length;
        double std = Math.sqrt(square / x.length - mean * mean);
        assertTrue(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-5,
                "standardized train mean " + mean + ", std " + std + " (load took " + seconds + " s)");

        Split unit = FashionMnist.load(FashionMnist.DEFAULT_DIR, FashionMnist.Scaling.UNIT);
        float[] u = unit.train().x();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double unitMean = 0;
        for (float v : u) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            unitMean += v;
        }
        unitMean /= u.length;
        assertTrue(min == 0f && max == 1f && Math.abs(unitMean - 0.2860) < 1e-3,
                "unit train min " + min + ", max " + max + ", mean " + unitMean);
        // Same pixel, two scalings: standardized = (unit - mean) / std, with the unit-scale mean and std.
        float mid = s.train().x()[784 * 5 + 400];
        float midUnit = u[784 * 5 + 400];
        double unitStd = unitStd(u);
        assertTrue(Math.abs(mid - (midUnit - unitMean) / unitStd) < 1e-4,
                "pixel: standardized " + mid + ", unit " + midUnit + ", unit mean " + unitMean + ", std " + unitStd);
    }

    private static double unitStd(float[] u) {
        double mean = 0;
        double square = 0;
        for (float v : u) {
            mean += v;
            square += (double) v * v;
        }
        mean /= u.length;
        return Math.sqrt(square / u.length - mean * mean);
    }
}
