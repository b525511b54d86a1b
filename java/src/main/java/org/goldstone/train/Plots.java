package org.goldstone.train;

import org.goldstone.GoldstoneException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Line plots as PNG files (XChart), rendered headless and written atomically, and the standard training curves
 * drawn from a {@link MetricsLog} CSV. Points with a non-finite coordinate are skipped, and so are points with
 * y <= 0 on a logarithmic y axis, which has no place for them.
 */
public final class Plots {
    static final int WIDTH = 900;
    static final int HEIGHT = 560;

    private Plots() {
    }

    /**
     * Writes a line chart to {@code png}: one line per entry of {@code series}, which maps a legend name to
     * {@code {xs, ys}} of equal length. A series with no plottable point is left out of the chart.
     */
    public static void lines(Path png, String title, String xLabel, String yLabel, Map<String, double[][]> series,
                             boolean logY) {
        Objects.requireNonNull(png, "png");
        Objects.requireNonNull(series, "series");
        XYChart chart;
        try {
            chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                    .title(title == null ? "" : title)
                    .xAxisTitle(xLabel == null ? "" : xLabel)
                    .yAxisTitle(yLabel == null ? "" : yLabel)
                    .build();
        } catch (Error e) {
            throw unavailable(e);                             // no java.desktop: the chart classes do not link
        }
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = e.getValue();
            if (xy == null || xy.length != 2 || xy[0] == null || xy[1] == null || xy[0].length != xy[1].length) {
                throw new IllegalArgumentException("series '" + e.getKey() + "': expected {xs, ys} of equal length; "
                        + "found " + describe(xy));
            }
            double[] xs = new double[xy[0].length];
            double[] ys = new double[xy[0].length];
            int kept = 0;
            for (int i = 0; i < xs.length; i++) {
                double x = xy[0][i];
                double y = xy[1][i];
                if (Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0)) {
                    xs[kept] = x;
                    ys[kept] = y;
                    kept++;
                }
            }
            if (kept > 0) {
                XYSeries s = chart.addSeries(String.valueOf(e.getKey()), Arrays.copyOf(xs, kept),
                        Arrays.copyOf(ys, kept));
                s.setMarker(kept == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);  // one point draws no line
            }
        }
        byte[] bytes = render(chart);
        try {
            Safetensors.writeAtomically(png, channel -> {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            });
        } catch (IOException e) {
            throw new GoldstoneException("cannot write plot " + png + ": " + Safetensors.oneLine(e.toString()), e);
        }
    }

    /**
     * PNG bytes of a chart, or {@link PlotsUnavailableException} when this runtime cannot draw: a JRE without
     * java.desktop, or one whose font library does not load (libharfbuzz/libfreetype missing on a minimal image).
     */
    public static byte[] render(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");   // before AWT starts: no display on a cluster node
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new GoldstoneException("cannot render plot: " + Safetensors.oneLine(e.toString()), e);
        } catch (Error e) {
            throw unavailable(e);
        }
    }

    /** A {@link PlotsUnavailableException} for a link or AWT error; any other error is rethrown. */
    static PlotsUnavailableException unavailable(Error e) {
        if (e instanceof LinkageError || e.getClass().getName().startsWith("java.awt.")) {
            return new PlotsUnavailableException("PNG plots unavailable on this Java runtime ("
                    + Safetensors.oneLine(e.toString()) + "); the CSV/JSON files hold the data", e);
        }
        throw e;
    }

    /**
     * Draws the curves of a {@link MetricsLog} CSV into {@code outDir}: {@code loss.png} (columns train_loss and
     * test_loss, or else loss, against step, log y) and, when train_acc or test_acc is present,
     * {@code accuracy.png}. Where a resumed run logged a step again, the later rows replace the earlier ones from
     * that step on. Returns the files written.
     */
    public static List<Path> trainingCurves(Path metricsCsv, Path outDir) {
        Objects.requireNonNull(metricsCsv, "metricsCsv");
        Objects.requireNonNull(outDir, "outDir");
        List<List<String>> records;
        try {
            records = MetricsLog.readCsv(metricsCsv);
        } catch (IOException e) {
            throw new GoldstoneException("cannot read " + metricsCsv + ": " + Safetensors.oneLine(e.toString()), e);
        }
        if (records.isEmpty()) {
            throw new GoldstoneException(metricsCsv + ": expected a header row; found an empty file");
        }
        List<String> header = records.get(0);
        List<List<String>> rows = records.subList(1, records.size());
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw new GoldstoneException(metricsCsv + ": expected " + header.size() + " cells in data row "
                        + (r + 1) + "; found " + rows.get(r).size());
            }
        }
        int stepColumn = header.indexOf("step");
        if (stepColumn < 0) {
            throw new GoldstoneException(metricsCsv + ": expected a column 'step'; found columns " + header);
        }
        List<String> lossColumns = present(header, "train_loss", "test_loss");
        if (lossColumns.isEmpty()) {
            lossColumns = present(header, "loss");
        }
        if (lossColumns.isEmpty()) {
            throw new GoldstoneException(metricsCsv + ": expected a column train_loss or loss; found columns "
                    + header);
        }
        List<String> accuracyColumns = present(header, "train_acc", "test_acc");

        double[] steps = column(metricsCsv, header, rows, stepColumn);
        int[] kept = lastRunRows(steps);
        double[] xs = pick(steps, kept);
        List<Path> written = new ArrayList<>();
        Path loss = outDir.resolve("loss.png");
        lines(loss, "Loss", "step", "loss", series(metricsCsv, header, rows, lossColumns, kept, xs), true);
        written.add(loss);
        if (!accuracyColumns.isEmpty()) {
            Path accuracy = outDir.resolve("accuracy.png");
            lines(accuracy, "Accuracy", "step", "accuracy",
                    series(metricsCsv, header, rows, accuracyColumns, kept, xs), false);
            written.add(accuracy);
        }
        return List.copyOf(written);
    }

    private static List<String> present(List<String> header, String... names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (header.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    private static Map<String, double[][]> series(Path file, List<String> header, List<List<String>> rows,
                                                  List<String> names, int[] kept, double[] xs) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, new double[][] {xs, pick(column(file, header, rows, header.indexOf(n)), kept)});
        }
        return out;
    }

    /**
     * Indices of the rows that belong to the final history: when a step is not above the one before it, the run
     * was resumed from an earlier checkpoint, and the rows it repeats are dropped.
     */
    static int[] lastRunRows(double[] steps) {
        int[] kept = new int[steps.length];
        int n = 0;
        for (int r = 0; r < steps.length; r++) {
            if (Double.isNaN(steps[r])) {
                continue;
            }
            while (n > 0 && steps[kept[n - 1]] >= steps[r]) {
                n--;
            }
            kept[n++] = r;
        }
        return Arrays.copyOf(kept, n);
    }

    private static double[] pick(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    /** A numeric column; an empty cell is NaN, anything Double.parseDouble refuses is an error. */
    private static double[] column(Path file, List<String> header, List<List<String>> rows, int c) {
        double[] out = new double[rows.size()];
        for (int r = 0; r < out.length; r++) {
            String cell = rows.get(r).get(c).strip();
            try {
                out[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw new GoldstoneException(file + ": expected a number in column '" + header.get(c)
                        + "' of data row " + (r + 1) + "; found '" + cell + "'", e);
            }
        }
        return out;
    }

    private static String describe(double[][] xy) {
        if (xy == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder(xy.length + " arrays of lengths [");
        for (int i = 0; i < xy.length; i++) {
            s.append(i == 0 ? "" : ", ").append(xy[i] == null ? "null" : String.valueOf(xy[i].length));
        }
        return s.append(']').toString();
    }
}
