package org.goldstone.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.goldstone.conservation.ConservationMonitor;
import org.goldstone.conservation.Deviation;
import org.goldstone.conservation.LawsRun;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code goldstone laws}: the conservation laws of SCIENCE e.1-e.6 measured live. A ReLU MLP (translation and rescale
 * symmetries) and a U(1) net with the PHASE nonlinearity (translation and scale) train with SGD and with heavy-ball
 * momentum under weight decay; every step's charges are compared with the exact discrete-time laws and the
 * Neural-Mechanics continuous predictions; logs (CSV, JSONL) and plots per run.
 */
@Command(name = "laws", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the symmetry-induced conservation laws during training and compare them with the exact"
                + " discrete-time laws and the Neural-Mechanics predictions; logs and plots.")
final class LawsCommand implements Callable<Integer> {
    @Option(names = "--steps", description = "Minibatch steps. Default: ${DEFAULT-VALUE}")
    int steps = 500;

    @Option(names = "--lr", description = "Learning rate eta. Default: ${DEFAULT-VALUE}")
    double lr = 0.05;

    @Option(names = "--weight-decay", description = "lambda. Default: ${DEFAULT-VALUE}")
    double lambda = 1e-3;

    @Option(names = "--momentum", description = "mu of the momentum runs. Default: ${DEFAULT-VALUE}")
    double momentum = 0.9;

    @Option(names = "--samples", description = "Gaussian inputs. Default: ${DEFAULT-VALUE}")
    int samples = 400;

    @Option(names = "--batch", description = "Mini-batch size. Default: ${DEFAULT-VALUE}")
    int batch = 32;

    @Option(names = "--seed", description = "Seed. Default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--out", description = "Output directory (default runs/laws-TIMESTAMP).")
    Path out;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || samples < batch || batch < 1 || !(lr > 0) || !(lambda >= 0)) {
            throw new IllegalArgumentException("laws: expected steps >= 1, samples >= batch >= 1, lr > 0, weight decay"
                    + " >= 0, found " + steps + ", " + samples + ", " + batch + ", " + lr + ", " + lambda);
        }
        Path dir = out != null ? out : RunLauncher.defaultRunDir("laws");
        Files.createDirectories(dir);
        NetSpec relu = NetSpec.builder().inputs(3).dense(4, Activation.RELU).hidden(1).sigmaB(0.3).readout(2).build();
        NetSpec phase = NetSpec.builder().inputs(3).embed(Group.u1(), 3).equivariant(1, RadialProfile.PHASE)
                .readout(2).build();
        System.out.printf(Locale.ROOT, "eta %.3g, lambda %.0e, %d steps, batch %d of %d Gaussian inputs, cross-entropy;"
                + " deviations: translation relative to max sum |theta_A|, scale to max |theta_A|^2, rescale to max"
                + " |Q|%n", lr, lambda, steps, batch, samples);
        System.out.println("net        optimizer  set                              exact law   NM prediction");
        List<Path> plots = new ArrayList<>();
        for (NetSpec spec : List.of(relu, phase)) {
            for (OptimizerSpec opt : List.of(OptimizerSpec.sgd(lr), OptimizerSpec.momentum(lr, momentum, false))) {
                FeedForwardNet net = FeedForwardNet.of(spec);
                ConservationMonitor m = LawsRun.train(net, opt, lambda, steps, samples, batch,
                        new SplittableRandom(seed));
                String name = (spec == relu ? "relu" : "phase-u1") + "-" + opt.kind().name().toLowerCase(Locale.ROOT);
                Path runDir = dir.resolve(name);
                m.writeLog(runDir);
                plots.addAll(m.plot(runDir));
                for (Deviation dv : m.deviations()) {
                    double scale = dv.set().kind() == org.goldstone.conservation.SymmetrySet.Kind.RESCALE
                            ? dv.maxAbsCharge() : dv.maxMagnitude();
                    System.out.printf(Locale.ROOT, "%-10s %-10s %-32s %.2e    %.2e%n", spec == relu ? "ReLU MLP"
                                    : "PHASE U(1)", opt.kind().name().toLowerCase(Locale.ROOT),
                            dv.set().kind().name().toLowerCase(Locale.ROOT) + " " + dv.set().name(),
                            dv.maxExactError() / scale, dv.maxContinuousError() / scale);
                }
            }
        }
        System.out.println("logs and " + plots.size() + " plots in " + dir);
        return 0;
    }
}
