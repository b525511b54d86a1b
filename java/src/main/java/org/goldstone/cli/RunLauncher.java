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
import org.goldstone.backend.BackendUnavailableException;
import org.goldstone.backend.Backends;
import org.goldstone.data.Split;
import org.goldstone.train.TrainConfig;
import org.goldstone.train.Trainer;

/** Shared by {@code train} and {@code demo}: opens the backend, runs the trainer with a progress bar, reports. */
final class RunLauncher {
    private RunLauncher() {
    }

    static Backend openBackend(String name, PrintStream out) {
        try {
            return Backends.open(name);
        } catch (BackendUnavailableException e) {
            if (name.equals("cpu")) {
                throw e;
            }
            out.println(e.getMessage());
            return Backends.open("cpu");
        }
    }

    static Path defaultRunDir(String what) {
        return Path.of("runs", what + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Starts (or resumes) and runs; prints the summary; returns the result. */
    static Trainer.Result run(Trainer trainer, Backend backend, Split data, boolean progress, PrintStream out) {
        TrainConfig cfg = trainer.config();
        out.println("network : " + cfg.net().describe() + ", " + trainer.network().paramCount() + " parameters");
        out.println("data    : " + data.train().name() + " (" + data.train().size() + " train, " + data.test().size()
                + " test, " + data.train().features() + " features, " + data.train().classes() + " classes)");
        out.println("training: " + cfg.optimizer().kind().name().toLowerCase(Locale.ROOT) + " lr "
                + cfg.optimizer().lr()
                + ", batch " + cfg.batch() + ", " + cfg.epochs() + " epoch(s), " + cfg.dtype() + ", loss "
                + cfg.loss() + ", seed " + cfg.seed() + " on " + backend.describe());
        Listener listener = new Listener(progress, out);
        Trainer.Result r;
        try {
            r = trainer.run(listener);
        } finally {
            listener.close();
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
        private ProgressBar bar;
        private double emaLoss = Double.NaN, emaAcc = Double.NaN;

        Listener(boolean progress, PrintStream out) {
            this.progress = progress;
            this.out = out;
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
}
