package org.goldstone.cli;

import java.nio.file.Path;
import org.goldstone.data.FashionMnist;
import org.goldstone.data.Split;
import org.goldstone.data.SyntheticTasks;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;
import org.goldstone.train.TrainConfig;
import picocli.CommandLine.Option;

/** Every training option, shared by {@code train} and {@code demo} (which only changes the defaults). */
final class TrainOptions {
    @Option(names = "--dataset", description = "fashion-mnist, synthetic, synthetic-784 (Fashion-MNIST-sized) or"
            + " auto (Fashion-MNIST when found, else the synthetic task). Default: ${DEFAULT-VALUE}")
    String dataset = "auto";

    @Option(names = "--data", description = "Directory with the Fashion-MNIST IDX files (default: "
            + "/usr/share/datasets/fashion-mnist from Debian's dataset-fashion-mnist).")
    Path dataDir;

    @Option(names = "--scaling", description = "Fashion-MNIST pixels: standardized or unit (pixels/255). Default:"
            + " ${DEFAULT-VALUE}")
    String scaling = "standardized";

    @Option(names = "--group",
            description = "U(1), O(k) with k >= 1, or real (baseline MLP). Default: ${DEFAULT-VALUE}")
    String group = "O(4)";

    @Option(names = "--width",
            description = "Channels per level (real units for the baseline). Default: ${DEFAULT-VALUE}")
    int width = 32;

    @Option(names = "--depth", description = "Internal layers. Default: ${DEFAULT-VALUE}")
    int depth = 100;

    @Option(names = "--profile", description = "Radial profile: ALG, RTANH, GATE, MODRELU, PHASE, CUBIC. Default:"
            + " ${DEFAULT-VALUE}")
    String profile = "RTANH";

    @Option(names = "--profile-a", description = "GATE slope a.")
    Double profileA;

    @Option(names = "--profile-b", description = "GATE offset, MODRELU radius bias, CUBIC mu.")
    Double profileB;

    @Option(names = "--activation",
            description = "Baseline activation: tanh, relu, identity. Default: ${DEFAULT-VALUE}")
    String activation = "tanh";

    @Option(names = "--residual", description = "Baseline: residual connections.")
    boolean residual;

    @Option(names = "--layer-norm", description = "Baseline: layer normalization.")
    boolean layerNorm;

    @Option(names = "--recipe", description = "paper: the authors' architecture and initialization (no f after the"
            + " embedding, framework-default input/output layers); paper-generic: the paper's dense baseline.")
    String recipe;

    @Option(names = "--sigma-w", description = "Internal weight scale (default: the profile's critical value).")
    Double sigmaW;

    @Option(names = "--sigma-b", description = "Baseline bias scale. Default: ${DEFAULT-VALUE}")
    double sigmaB = 0.0;

    @Option(names = "--sigma-in", description = "Embedding weight scale. Default: ${DEFAULT-VALUE}")
    double sigmaIn = 1.0;

    @Option(names = "--loss", description = "ce or mse. Default: ${DEFAULT-VALUE}")
    String loss = "ce";

    @Option(names = "--optimizer", description = "sgd, momentum, nesterov, adam, adamw. Default: ${DEFAULT-VALUE}")
    String optimizer = "adam";

    @Option(names = "--lr", description = "Peak learning rate. Default: ${DEFAULT-VALUE}")
    double lr = 1e-3;

    @Option(names = "--momentum", description = "Momentum mu. Default: ${DEFAULT-VALUE}")
    double momentum = 0.9;

    @Option(names = "--beta1", description = "Adam beta1. Default: ${DEFAULT-VALUE}")
    double beta1 = 0.9;

    @Option(names = "--beta2", description = "Adam beta2. Default: ${DEFAULT-VALUE}")
    double beta2 = 0.999;

    @Option(names = "--eps", description = "Adam epsilon. Default: ${DEFAULT-VALUE}")
    double eps = 1e-8;

    @Option(names = "--adamw-decay", description = "AdamW decoupled weight decay. Default: ${DEFAULT-VALUE}")
    double adamwDecay = 0.0;

    @Option(names = "--weight-decay",
            description = "L2 term lambda/2 |theta|^2 in the objective. Default: ${DEFAULT-VALUE}")
    double weightDecay = 0.0;

    @Option(names = "--schedule", description = "constant, step, cosine. Default: ${DEFAULT-VALUE}")
    String schedule = "constant";

    @Option(names = "--warmup", description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}")
    long warmup = 0;

    @Option(names = "--step-size", description = "Step schedule: steps between decays. Default: ${DEFAULT-VALUE}")
    long stepSize = 1000;

    @Option(names = "--gamma", description = "Step schedule: decay factor. Default: ${DEFAULT-VALUE}")
    double gamma = 0.1;

    @Option(names = "--min-lr-factor", description = "Cosine schedule: final lr / peak lr. Default: ${DEFAULT-VALUE}")
    double minLrFactor = 0.0;

    @Option(names = "--clip-norm",
            description = "Clip gradients to this global norm (0 = off). Default: ${DEFAULT-VALUE}")
    double clipNorm = 0.0;

    @Option(names = "--batch", description = "Mini-batch size. Default: ${DEFAULT-VALUE}")
    int batch = 256;

    @Option(names = "--epochs", description = "Epochs. Default: ${DEFAULT-VALUE}")
    int epochs = 1;

    @Option(names = "--max-steps",
            description = "Stop after this many updates (0 = all epochs). Default: ${DEFAULT-VALUE}")
    long maxSteps = 0;

    @Option(names = "--seed", description = "Seed for initialization and shuffling. Default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--dtype", description = "f32 or f64. Default: ${DEFAULT-VALUE}")
    String dtype = "f32";

    @Option(names = "--log-every", description = "Steps between metric rows. Default: ${DEFAULT-VALUE}")
    int logEvery = 10;

    @Option(names = "--checkpoint-every", description = "Steps between checkpoints (0 = each epoch end). Default:"
            + " ${DEFAULT-VALUE}")
    int checkpointEvery = 0;

    @Option(names = "--diagnostics-every", description = "Symmetry diagnostics (ranks, unit collapse, neural"
            + " collapse) every N steps on a test probe; 0 = off. Default: ${DEFAULT-VALUE}")
    int diagnosticsEvery = 0;

    @Option(names = "--diagnostics-samples", description = "Probe samples for the diagnostics. Default: ${DEFAULT-VALUE}")
    int diagnosticsSamples = 100;

    @Option(names = "--keep", description = "Checkpoints kept. Default: ${DEFAULT-VALUE}")
    int keep = 3;

    /** Loads the data set named by --dataset; "auto" prefers Fashion-MNIST. Returns the split and its name. */
    Loaded loadData(java.io.PrintStream out) {
        String which = dataset.trim().toLowerCase(java.util.Locale.ROOT);
        switch (which) {
            case "auto": {
                java.util.Optional<Path> dir = FashionMnist.locate(dataDir);
                if (dir.isPresent()) {
                    return new Loaded(fashion(dir.get()), "fashion-mnist");
                }
                out.println("Fashion-MNIST not found in " + FashionMnist.DEFAULT_DIR
                        + " (apt-get install dataset-fashion-mnist, or --data DIR); training on the synthetic task.");
                return synthetic();
            }
            case "fashion-mnist":
                return new Loaded(fashion(requiredFashionDir()), "fashion-mnist");
            case "synthetic":
                return synthetic();
            case SYNTHETIC_784:
                return new Loaded(loadNamed(SYNTHETIC_784), SYNTHETIC_784);
            default:
                throw new IllegalArgumentException("--dataset: expected fashion-mnist, synthetic, " + SYNTHETIC_784
                        + " or auto, found '" + dataset + "'");
        }
    }

    private Split fashion(Path dir) {
        FashionMnist.Scaling s;
        switch (scaling.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "standardized": s = FashionMnist.Scaling.STANDARDIZED; break;
            case "unit": s = FashionMnist.Scaling.UNIT; break;
            default: throw new IllegalArgumentException("--scaling: expected standardized or unit, found '"
                    + scaling + "'");
        }
        return FashionMnist.load(dir, s);
    }

    private Loaded synthetic() {
        return new Loaded(SyntheticTasks.defaultTask(seed), "synthetic");
    }

    /** A data set and the name stored in the config. */
    record Loaded(Split split, String name) { }

    /**
     * A synthetic task of Fashion-MNIST's size (60000 + 10000 samples, 784 features, 10 classes), for timing and
     * device checks where the real files are absent.
     */
    static final String SYNTHETIC_784 = "synthetic-784";

    /** Loads the data set a stored config names. */
    Split loadNamed(String name) {
        if (name.equals("synthetic")) {
            return SyntheticTasks.defaultTask(seed);
        }
        if (name.equals(SYNTHETIC_784)) {
            return SyntheticTasks.rings(60_000, 10_000, 784, 10, seed);
        }
        return fashion(requiredFashionDir());
    }

    private Path requiredFashionDir() {
        return FashionMnist.locate(dataDir).orElseThrow(() -> new org.goldstone.data.DataException(
                "Fashion-MNIST: expected the IDX files in " + FashionMnist.DEFAULT_DIR + " or --data DIR, found none"));
    }

    TrainConfig config(int inputs, int classes, String datasetName) {
        NetSpec.Builder b;
        if (group.trim().equalsIgnoreCase("real")) {
            b = NetSpec.builder().inputs(inputs).dense(width, Activation.parse(activation)).hidden(depth)
                    .residual(residual).layerNorm(layerNorm).sigmaB(sigmaB);
        } else {
            b = NetSpec.builder().inputs(inputs).embed(Group.parse(group), width)
                    .equivariant(depth, RadialProfile.parse(profile));
            if (profileA != null || profileB != null) {
                var d = org.goldstone.layer.Radial.of(RadialProfile.parse(profile));
                b.profileConstants(profileA == null ? d.a() : profileA, profileB == null ? d.b() : profileB);
            }
        }
        if (sigmaW != null) {
            b.sigmaW(sigmaW);
        }
        NetSpec spec = b.sigmaIn(sigmaIn).recipe(recipe).readout(classes).build();
        OptimizerSpec.Kind kind = OptimizerSpec.parseKind(optimizer);
        OptimizerSpec opt = new OptimizerSpec(kind, lr, kind == OptimizerSpec.Kind.MOMENTUM
                || kind == OptimizerSpec.Kind.NESTEROV ? momentum : 0, beta1, beta2, eps, adamwDecay);
        Schedule.Kind sk = Schedule.parseKind(schedule);
        long totalForCosine = Math.max(warmup + 1, maxSteps > 0 ? maxSteps : 1);
        Schedule sched = new Schedule(sk, warmup, stepSize, gamma, totalForCosine, minLrFactor);
        return new TrainConfig(spec, opt, sched, clipNorm, weightDecay, loss, DType.parse(dtype), batch, epochs,
                maxSteps, seed, logEvery, checkpointEvery, keep, datasetName);
    }

    /** Cosine schedules need the run length, known once the data set is loaded. */
    TrainConfig withCosineLength(TrainConfig cfg, int trainSize) {
        if (cfg.schedule().kind() != Schedule.Kind.COSINE || maxSteps > 0) {
            return cfg;
        }
        long steps = (long) ((trainSize + batch - 1) / batch) * epochs;
        Schedule s = new Schedule(Schedule.Kind.COSINE, warmup, stepSize, gamma, Math.max(warmup + 1, steps),
                minLrFactor);
        return new TrainConfig(cfg.net(), cfg.optimizer(), s, cfg.clipNorm(), cfg.weightDecay(), cfg.loss(),
                cfg.dtype(), cfg.batch(), cfg.epochs(), cfg.maxSteps(), cfg.seed(), cfg.logEvery(),
                cfg.checkpointEvery(), cfg.keepLast(), cfg.dataset());
    }
}
