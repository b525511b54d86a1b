package org.goldstone.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.goldstone.backend.Backend;
import org.goldstone.data.Split;
import org.goldstone.train.TrainConfig;
import org.goldstone.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code goldstone demo}: the main job. A 100-layer O(4) network (no residuals, no normalization, radial tanh,
 * sigma_w = 1.1 just above the critical point) trained with Adam on Fashion-MNIST when it is installed, else on the
 * embedded synthetic task.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a 100-layer O(4) equivariant net on Fashion-MNIST (or the embedded synthetic task)"
                + " and report test accuracy. Takes every train option.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    TrainOptions options = demoDefaults();

    @Option(names = "--out", description = "Run directory (default: runs/demo-TIMESTAMP).")
    Path out;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    static TrainOptions demoDefaults() {
        TrainOptions o = new TrainOptions();
        o.group = "O(4)";
        o.width = 32;
        o.depth = 100;
        o.profile = "RTANH";
        o.sigmaW = 1.1;            // just above the critical point sigma_c = 1 of RTANH (SCIENCE b.1)
        o.optimizer = "adam";
        o.lr = 1e-3;
        o.batch = 256;
        o.epochs = 5;
        o.logEvery = 10;
        return o;
    }

    @Override
    public Integer call() {
        try (Backend be = backend.open(System.out)) {
            TrainOptions.Loaded loaded = options.loadData(System.out);
            Split data = loaded.split();
            if (loaded.name().equals("synthetic") && options.epochs < 40) {
                options.epochs = 40;                      // the synthetic task has only 32 steps per epoch
            }
            TrainConfig cfg = options.config(data.train().features(), data.train().classes(), loaded.name());
            Path dir = out != null ? out : RunLauncher.defaultRunDir("demo");
            Trainer trainer = Trainer.start(cfg, data, be, dir);
            RunLauncher.run(trainer, be, data, !noProgress, System.out, options.diagnosticsEvery,
                    options.diagnosticsSamples);
        }
        return 0;
    }
}
