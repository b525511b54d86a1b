package org.goldstone.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.goldstone.backend.Backend;
import org.goldstone.data.Split;
import org.goldstone.train.TrainConfig;
import org.goldstone.train.Trainer;

/** Shared by {@code train} and {@code demo}: runs the trainer with a progress bar, reports. */
final class RunLauncher {
    private RunLauncher() {
    }

    static Path defaultRunDir(String what) {
        return Path.of("runs", what + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Starts (or resumes) and runs; prints the summary; returns the result. */
    static Trainer.Result run(Trainer trainer, Backend backend, Split data, boolean progress, PrintStream out) {
        return run(trainer, backend, data, progress, out, 0, 0);
    }

    /**
     * As {@link #run(Trainer, Backend, Split, boolean, PrintStream)}, and every {@code diagnosticsEvery} steps
     * (0 = never) the symmetry diagnostics of SCIENCE f.1-f.4 on the first {@code probe} test samples, written to
     * diagnostics.jsonl and plotted as layer x step heat maps.
     */
    static Trainer.Result run(Trainer trainer, Backend backend, Split data, boolean progress, PrintStream out,
                              int diagnosticsEvery, int probe) {
        TrainConfig cfg = trainer.config();
        out.println("network : " + cfg.net().describe() + ", " + trainer.network().paramCount() + " parameters");
        out.println("data    : " + data.train().name() + " (" + data.train().size() + " train, " + data.test().size()
                + " test, " + data.train().features() + " features, " + data.train().classes() + " classes)");
        out.println("training: " + cfg.optimizer().kind().name().toLowerCase(Locale.ROOT) + " lr "
                + cfg.optimizer().lr()
                + ", batch " + cfg.batch() + ", " + cfg.epochs() + " epoch(s), " + cfg.dtype() + ", loss "
                + cfg.loss() + ", seed " + cfg.seed() + " on " + backend.describe());
        Diagnosis diagnosis = diagnosticsEvery > 0 ? new Diagnosis(trainer, data, diagnosticsEvery, probe) : null;
        Listener listener = new Listener(progress, out, diagnosis);
        Trainer.Result r;
        try {
            r = trainer.run(listener);
        } finally {
            listener.close();
        }
        if (diagnosis != null) {
            out.println("diagnose: " + diagnosis.write(r.runDir()));
        }
        out.printf(Locale.ROOT, "done    : %d steps in %.1f s; test accuracy %.4f, test loss %.4f%n", r.steps(),
                r.seconds(), r.testAccuracy(), r.testLoss());
        out.println("metrics : " + r.runDir().resolve("metrics.csv") + ", " + r.runDir().resolve("metrics.jsonl"));
        out.println("checkpt : " + r.lastCheckpoint());
        out.println("plots   : " + r.plots());
        return r;
    }

    /** Progress bar with ETA and live loss / accuracy (stderr), plus one line per evaluation (stdout). */
    private static final class Listener implements Trainer.Listener {
        private final boolean progress;
        private final PrintStream out;
        private final Diagnosis diagnosis;
        private ProgressBar bar;
        private double emaLoss = Double.NaN, emaAcc = Double.NaN;

        Listener(boolean progress, PrintStream out, Diagnosis diagnosis) {
            this.progress = progress;
            this.out = out;
            this.diagnosis = diagnosis;
        }

        @Override
        public void onStart(TrainConfig cfg, long firstStep, long totalSteps) {
            if (progress) {
                bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed()
                        .setUnit(" step", 1).startsFrom(firstStep, Duration.ZERO)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err, 110)).build();
            }
        }

        @Override
        public void onStep(Trainer.StepInfo s) {
            if (diagnosis != null) {
                diagnosis.maybe(s.step() + 1);
            }
            emaLoss = Double.isNaN(emaLoss) ? s.loss() : 0.9 * emaLoss + 0.1 * s.loss();
            emaAcc = Double.isNaN(emaAcc) ? s.accuracy() : 0.9 * emaAcc + 0.1 * s.accuracy();
            if (bar != null) {
                bar.stepTo(s.step() + 1);
                bar.setExtraMessage(String.format(Locale.ROOT, "ep %d loss %.4f acc %.3f", s.epoch() + 1, emaLoss,
                        emaAcc));
            }
        }

        @Override
        public void onEval(Trainer.EvalInfo e) {
            if (bar != null) {
                bar.refresh();
            }
            String line = String.format(Locale.ROOT, "epoch %d (step %d, %.1f s): test accuracy %.4f, test loss %.4f,"
                    + " train loss %.4f", e.epoch() + 1, e.step(), e.seconds(), e.testAccuracy(), e.testLoss(),
                            emaLoss);
            if (bar != null) {
                System.err.println();
            }
            out.println(line);
        }

        void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** Periodic symmetry diagnostics on a fixed probe batch of the test split. */
    private static final class Diagnosis {
        private final Trainer trainer;
        private final int every;
        private final double[] x;
        private final int[] labels;
        private final java.util.List<Long> steps = new java.util.ArrayList<>();
        private final java.util.List<org.goldstone.diagnostics.DiagnosticsReport> reports = new java.util.ArrayList<>();

        Diagnosis(Trainer trainer, Split data, int every, int probe) {
            if (probe < 2) {
                throw new IllegalArgumentException("--diagnostics-samples: expected >= 2, found " + probe);
            }
            this.trainer = trainer;
            this.every = every;
            org.goldstone.data.Dataset test = data.test();
            int n = Math.min(probe, test.size()), d = test.features();
            x = new double[n * d];
            labels = new int[n];
            for (int i = 0; i < n * d; i++) {
                x[i] = test.x()[i];
            }
            System.arraycopy(test.labels(), 0, labels, 0, n);
        }

        void maybe(long step) {
            if (step % every == 0 || steps.isEmpty()) {
                steps.add(step);
                reports.add(org.goldstone.diagnostics.Diagnostics.compute(trainer.network(), trainer.parameters(), x,
                        labels));
            }
        }

        /** diagnostics.jsonl plus heat maps; returns where they went. */
        String write(java.nio.file.Path runDir) {
            try {
                java.nio.file.Path jsonl = runDir.resolve("diagnostics.jsonl");
                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < reports.size(); i++) {
                    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                    row.put("step", steps.get(i));
                    row.putAll(reports.get(i).scalars());
                    sb.append(json.writeValueAsString(row)).append('\n');
                }
                java.nio.file.Files.writeString(jsonl, sb.toString());
                long[] st = new long[steps.size()];
                for (int i = 0; i < st.length; i++) {
                    st[i] = steps.get(i);
                }
                java.util.List<String> files = new java.util.ArrayList<>();
                files.add(jsonl.toString());
                for (org.goldstone.diagnostics.LevelMetric m : new org.goldstone.diagnostics.LevelMetric[] {
                        org.goldstone.diagnostics.LevelMetric.EFFECTIVE_RANK,
                        org.goldstone.diagnostics.LevelMetric.DIVERSITY,
                        org.goldstone.diagnostics.LevelMetric.DEGREE_OF_BREAKING}) {
                    java.nio.file.Path png = runDir.resolve("plots").resolve("diag-" + m.key() + ".png");
                    org.goldstone.diagnostics.Heatmaps.layerByStep(png, m.key() + " (level x step)", st, reports, m);
                    files.add(png.toString());
                }
                return String.join(", ", files);
            } catch (java.io.IOException e) {
                throw new org.goldstone.GoldstoneException("cannot write diagnostics: " + e.getMessage(), e);
            }
        }
    }
}
