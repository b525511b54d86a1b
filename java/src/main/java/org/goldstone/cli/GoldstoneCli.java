package org.goldstone.cli;

import java.io.PrintWriter;
import org.goldstone.NonFiniteException;
import org.goldstone.backend.BackendException;
import org.goldstone.data.DataException;
import org.goldstone.train.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line entry point. Exit codes: 0 success, 1 other error, 2 bad usage or input, 3 data missing or
 * corrupt, 4 unreadable or mismatched checkpoint, 5 non-finite loss or gradient, 6 backend failure.
 * Errors print one line; {@code --verbose} adds the stack trace.
 */
@Command(name = "goldstone", mixinStandardHelpOptions = true, version = "goldstone 0.1.0",
        description = "Training and Hessian spectroscopy for deep U(1)/O(k) equivariant networks.",
        subcommands = {DemoCommand.class, DevicesCommand.class, TrainCommand.class, SpectrumCommand.class, LabCommand.class,
            ReproduceCommand.class, LawsCommand.class, PhaseCommand.class,
            CommandLine.HelpCommand.class})
public final class GoldstoneCli implements Runnable {
    static final int EXIT_USAGE = 2, EXIT_DATA = 3, EXIT_CHECKPOINT = 4, EXIT_NONFINITE = 5, EXIT_BACKEND = 6;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new GoldstoneCli());
        cl.setExecutionExceptionHandler(GoldstoneCli::handle);
        return cl.execute(args);
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose");
        PrintWriter err = cl.getErr();
        if (verbose) {
            e.printStackTrace(err);
        }
        err.println("goldstone: " + oneLine(e));
        err.flush();
        if (e instanceof NonFiniteException) {
            return EXIT_NONFINITE;
        }
        if (e instanceof DataException) {
            return EXIT_DATA;
        }
        if (e instanceof CheckpointException) {
            return EXIT_CHECKPOINT;
        }
        if (e instanceof BackendException) {
            return EXIT_BACKEND;
        }
        if (e instanceof IllegalArgumentException) {
            return EXIT_USAGE;
        }
        return 1;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace('\n', ' ');
    }
}
