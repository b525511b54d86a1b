package org.goldstone.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.goldstone.GoldstoneException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

class PlotsTest {
    @TempDir
    Path dir;

    static BufferedImage readPng(Path png) throws IOException {
        assertTrue(Files.size(png) > 0, png + " is empty");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not an image javax.imageio can read");
        return image;
    }

    static List<String> namesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void linesWritesAReadablePngAndSkipsNonFinitePoints() throws IOException {
        SplittableRandom rng = new SplittableRandom(9);
        int n = 200;
        double[] xs = new double[n];
        double[] ys = new double[n];
        double[] zs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i;
            ys[i] = Math.exp(-i / 50.0) * (1 + 0.1 * rng.nextDouble());
            zs[i] = i % 7 == 0 ? Double.NaN : 0.5 * ys[i];
        }
        ys[3] = Double.POSITIVE_INFINITY;
        ys[4] = -1;                                         // not on a log axis
        zs[5] = 0;
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("train", new double[][] {xs, ys});
        series.put("test", new double[][] {xs, zs});
        series.put("all NaN", new double[][] {{1, 2}, {Double.NaN, Double.NaN}});
        series.put("one point", new double[][] {{10}, {0.3}});
        for (boolean logY : new boolean[] {true, false}) {
            Path png = dir.resolve("curves-" + logY + ".png");
            Plots.lines(png, "Loss", "step", "loss", series, logY);
            BufferedImage image = readPng(png);
            assertEquals(Plots.WIDTH, image.getWidth());
            assertEquals(Plots.HEIGHT, image.getHeight());
        }
        Path empty = dir.resolve("empty.png");
        Plots.lines(empty, "nothing yet", "step", "loss", Map.of(), true);
        readPng(empty);
        assertEquals(List.of("curves-false.png", "curves-true.png", "empty.png"), namesIn(dir), "no temp files left");
        assertEquals("true", System.getProperty("java.awt.headless"));

        assertThrows(IllegalArgumentException.class, () -> Plots.lines(dir.resolve("bad.png"), "t", "x", "y",
                Map.of("ragged", new double[][] {{1, 2}, {1}}), false));
        assertThrows(IllegalArgumentException.class, () -> Plots.lines(dir.resolve("bad.png"), "t", "x", "y",
                Map.of("three", new double[][] {{1}, {1}, {1}}), false));
    }

    @Test
    void trainingCurvesFromAMetricsLog() throws IOException {
        Path run = dir.resolve("run");
        SplittableRandom rng = new SplittableRandom(13);
        try (MetricsLog log = new MetricsLog(run, false)) {
            for (int step = 0; step <= 50; step++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("step", step);
                row.put("train_loss", step == 20 ? Double.NaN : 2.3 * Math.exp(-step / 20.0) + 0.01 * rng.nextDouble());
                row.put("test_loss", 2.4 * Math.exp(-step / 25.0));
                row.put("train_acc", 1 - Math.exp(-step / 15.0));
                row.put("test_acc", 0.9 * (1 - Math.exp(-step / 18.0)));
                row.put("lr", 1e-3);
                log.log(row);
            }
        }
        Path plots = dir.resolve("plots");
        List<Path> written = Plots.trainingCurves(run.resolve(MetricsLog.CSV), plots);
        assertEquals(List.of(plots.resolve("loss.png"), plots.resolve("accuracy.png")), written);
        for (Path png : written) {
            readPng(png);
        }
        assertEquals(List.of("accuracy.png", "loss.png"), namesIn(plots));

        Path lossOnly = dir.resolve("loss-only");
        try (MetricsLog log = new MetricsLog(lossOnly, false)) {
            for (int step = 1; step <= 5; step++) {
                log.log(Map.of("step", step, "loss", 1.0 / step));
            }
        }
        assertEquals(List.of(lossOnly.resolve("loss.png")),
                Plots.trainingCurves(lossOnly.resolve(MetricsLog.CSV), lossOnly));
        readPng(lossOnly.resolve("loss.png"));
    }

    @Test
    void trainingCurvesNamesWhatIsMissing() throws IOException {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, "step,acc\n1,0.5\n");
        GoldstoneException e = assertThrows(GoldstoneException.class, () -> Plots.trainingCurves(csv, dir));
        assertTrue(e.getMessage().contains("train_loss") && e.getMessage().contains("[step, acc]"), e.getMessage());
        Files.writeString(csv, "step,loss\n1,0.5\n2,oops\n");
        e = assertThrows(GoldstoneException.class, () -> Plots.trainingCurves(csv, dir));
        assertTrue(e.getMessage().contains("'oops'") && e.getMessage().contains("row 2"), e.getMessage());
        Files.writeString(csv, "epoch,loss\n1,0.5\n");
        e = assertThrows(GoldstoneException.class, () -> Plots.trainingCurves(csv, dir));
        assertTrue(e.getMessage().contains("'step'"), e.getMessage());
    }

    @Test
    void aResumedRunReplacesTheStepsItRepeats() {
        double[] steps = {1, 2, 3, 4, 2, 3, 4, 5, Double.NaN, 6};
        assertArrayEquals(new int[] {0, 4, 5, 6, 7, 9}, Plots.lastRunRows(steps));
        assertArrayEquals(new int[] {0, 1, 2}, Plots.lastRunRows(new double[] {0, 10, 20}));
        assertArrayEquals(new int[0], Plots.lastRunRows(new double[0]));
    }
}
