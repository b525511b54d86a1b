package org.goldstone.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.goldstone.backend.Backend;
import org.goldstone.data.Split;
import org.goldstone.train.TrainConfig;
import org.goldstone.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code goldstone train}: every option of the engine; new runs or {@code --resume DIR}. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a network; writes metrics (CSV, JSONL), safetensors checkpoints and plots to --out.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options = new TrainOptions();

    @Option(names = "--out", description = "Run directory (default: runs/train-TIMESTAMP).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in this directory from its latest checkpoint;"
            + " only --epochs and --max-steps may change.")
    Path resume;

    @Mixin
    BackendOption backend = new BackendOption();

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Backend be = backend.open(System.out)) {
            Trainer trainer;
            Split data;
            if (resume != null) {
                TrainConfig saved = Trainer.latestConfig(resume);
                options.seed = saved.seed();
                data = options.loadNamed(saved.dataset());
                CommandLine.ParseResult given = spec.commandLine().getParseResult();
                trainer = Trainer.resume(resume, data, be, given.hasMatchedOption("--epochs") ? options.epochs : 0,
                        given.hasMatchedOption("--max-steps") ? options.maxSteps : -1);
                System.out.println("resuming: " + resume);
            } else {
                TrainOptions.Loaded loaded = options.loadData(System.out);
                data = loaded.split();
                TrainConfig cfg = options.config(data.train().features(), data.train().classes(), loaded.name());
                cfg = options.withCosineLength(cfg, data.train().size());
                Path dir = out != null ? out : RunLauncher.defaultRunDir("train");
                trainer = Trainer.start(cfg, data, be, dir);
            }
            RunLauncher.run(trainer, be, data, !noProgress, System.out, options.diagnosticsEvery,
                    options.diagnosticsSamples);
        }
        return 0;
    }
}
