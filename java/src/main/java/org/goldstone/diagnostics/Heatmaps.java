package org.goldstone.diagnostics;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.goldstone.GoldstoneException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * Heat maps as PNG files (XChart, headless, written atomically: a temporary file in the target directory, then a
 * rename): a diagnostic over layer x training step (SCIENCE f.6, b.5 item 6) and square matrices such as the
 * per-class correlation of f.4. Non-finite cells are left blank.
 */
public final class Heatmaps {
    static final int WIDTH = 900;
    static final int HEIGHT = 600;
    /** At most this many step columns are drawn; longer runs are thinned evenly, keeping the last step. */
    public static final int MAX_COLUMNS = 120;
    /** At most this many tick labels on the layer axis, and on the (horizontal) step axis. */
    static final int MAX_LABELS = 20, MAX_STEP_LABELS = 10;
    private static final AtomicLong TEMP_COUNTER = new AtomicLong();

    private Heatmaps() {
    }

    /** {@code metric} of each report (one per logged step) over levels (rows) and steps (columns). */
    public static void layerByStep(Path png, String title, long[] steps, List<DiagnosticsReport> reports,
                                   LevelMetric metric) {
        Objects.requireNonNull(reports, "reports");
        double[][] values = new double[reports.size()][];
        for (int s = 0; s < values.length; s++) {
            values[s] = reports.get(s).column(metric);
        }
        layerByStep(png, title == null ? metric.key() : title, steps, values);
    }

    /**
     * values[s][l]: the value at step {@code steps[s]} and level l (rows may differ in length; missing cells are
     * blank). png: written (parent directories created).
     */
    public static void layerByStep(Path png, String title, long[] steps, double[][] values) {
        Objects.requireNonNull(png, "png");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(values, "values");
        if (steps.length != values.length || steps.length == 0) {
            throw new IllegalArgumentException("heat map: expected one value row per step (>= 1), found "
                    + steps.length + " steps and " + values.length + " rows");
        }
        int levels = 0;
        for (double[] row : values) {
            levels = Math.max(levels, row == null ? 0 : row.length);
        }
        if (levels == 0) {
            throw new IllegalArgumentException("heat map: expected at least one level, found none");
        }
        int[] cols = thin(steps.length, MAX_COLUMNS);
        String[] stepLabels = new String[cols.length];
        for (int c = 0; c < cols.length; c++) {
            stepLabels[c] = Long.toString(steps[cols[c]]);
        }
        String[] levelLabels = new String[levels];
        for (int l = 0; l < levels; l++) {
            levelLabels[l] = Integer.toString(l);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int xi = 0; xi < cols.length; xi++) {
            double[] row = values[cols[xi]];
            for (int l = 0; row != null && l < row.length; l++) {
                if (Double.isFinite(row[l])) {
                    cells.add(new Number[] {xi, l, row[l]});
                }
            }
        }
        write(png, title, "step", "layer", sparseLabels(stepLabels, MAX_STEP_LABELS),
                sparseLabels(levelLabels, MAX_LABELS), cells);
    }

    /** A square or rectangular matrix m[row][col], row 0 at the bottom. */
    public static void matrix(Path png, String title, double[][] m) {
        Objects.requireNonNull(m, "m");
        if (m.length == 0 || m[0].length == 0) {
            throw new IllegalArgumentException("heat map: expected a non-empty matrix");
        }
        String[] colLabels = new String[m[0].length], rowLabels = new String[m.length];
        for (int c = 0; c < colLabels.length; c++) {
            colLabels[c] = Integer.toString(c);
        }
        for (int r = 0; r < rowLabels.length; r++) {
            rowLabels[r] = Integer.toString(r);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int r = 0; r < m.length; r++) {
            if (m[r].length != m[0].length) {
                throw new IllegalArgumentException("heat map: expected rows of " + m[0].length + " values, found "
                        + m[r].length + " in row " + r);
            }
            for (int c = 0; c < m[r].length; c++) {
                if (Double.isFinite(m[r][c])) {
                    cells.add(new Number[] {c, r, m[r][c]});
                }
            }
        }
        write(png, title, "", "", sparseLabels(colLabels, MAX_STEP_LABELS), sparseLabels(rowLabels, MAX_LABELS), cells);
    }

    /**
     * Category labels with at most {@code max} visible: XChart prints every category of a heat map axis, so the
     * others become blanks of different lengths (categories are looked up by their text).
     */
    static List<String> sparseLabels(String[] labels, int max) {
        int every = Math.max(1, (int) Math.ceil(labels.length / (double) max));
        List<String> out = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            out.add(i % every == 0 || i == labels.length - 1 && every == 1 ? labels[i] : " ".repeat(1 + i % every));
        }
        return out;
    }

    static int[] thin(int count, int max) {
        if (count <= max) {
            int[] all = new int[count];
            for (int i = 0; i < count; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] picked = new int[max];
        for (int i = 0; i < max; i++) {
            picked[i] = (int) Math.round((double) i * (count - 1) / (max - 1));
        }
        return picked;
    }

    private static void write(Path png, String title, String xLabel, String yLabel, List<?> xs, List<?> ys,
                              List<Number[]> cells) {
        Objects.requireNonNull(png, "png");
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");   // before AWT starts: no display on a cluster node
        }
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (Number[] c : cells) {
            min = Math.min(min, c[2].doubleValue());
            max = Math.max(max, c[2].doubleValue());
        }
        if (cells.isEmpty()) {
            min = 0;
            max = 1;
        } else {
            // XChart 3.8.8 indexes past its colour table when (v - min)/(max - min) rounds to 1 for a v just below
            // max: a margin keeps every fraction below 1 (and gives a constant map a range). The ends are rounded
            // outwards to three significant digits of the span, which the legend prints in full.
            double span = Math.max(max - min, Math.max(Math.abs(max), 1.0) * 1e-9);
            int places = 2 - (int) Math.floor(Math.log10(span));
            min = new BigDecimal(min).setScale(places, RoundingMode.FLOOR).doubleValue();
            max = new BigDecimal(max + span * 1e-6).setScale(places, RoundingMode.CEILING).doubleValue();
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title == null ? "" : title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setShowValue(false);
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max);
        chart.getStyler().setPlotContentSize(1.0);
        chart.addSeries(title == null || title.isEmpty() ? "value" : title, xs, ys, cells);
        writeAtomically(png, org.goldstone.train.Plots.render(chart));
    }

    /**
     * Writes {@code bytes} to a new temporary sibling of {@code target} (CREATE_NEW keeps the umask's permissions,
     * unlike Files.createTempFile's 0600), forces it to disk, then renames it over the target.
     */
    static void writeAtomically(Path target, byte[] bytes) {
        Path absolute = target.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "." + ProcessHandle.current().pid() + "."
                + TEMP_COUNTER.incrementAndGet() + ".tmp");
        try {
            Files.createDirectories(absolute.getParent());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new GoldstoneException("cannot write heat map " + target + ": " + e, e);
        }
    }
}
