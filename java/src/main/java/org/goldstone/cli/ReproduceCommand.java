package org.goldstone.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.goldstone.GoldstoneException;
import org.goldstone.NonFiniteException;
import org.goldstone.backend.Backend;
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
import org.goldstone.train.Plots;
import org.goldstone.train.TrainConfig;
import org.goldstone.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code goldstone reproduce}: the depth result of the Goldstone paper with the authors' own recipe (SCIENCE c.1,
 * c.6): N = 64 real features, depth 100, radial tanh, Adam 1e-3, batch 256, 5 epochs, 5 seeds, pixels/255, sigma_w
 * swept 0.4 .. 2.8, for U(1), O(4) and the paper's generic baseline, on Fashion-MNIST; a table of test accuracy per
 * sigma_w (mean and spread over seeds) beside the paper's claims, CSV and plots. Diverged runs are kept as such.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Reproduce the 100-layer Fashion-MNIST result with the paper's recipe (U(1), O(4), generic"
                + " baseline; sigma_w sweep, seeds) and print test accuracy per sigma_w; CSV and plots.")
final class ReproduceCommand implements Callable<Integer> {
    @Mixin
    BackendOption backend = new BackendOption();

    @Option(names = "--archs", split = ",", description = "Architectures: U(1), O(k), generic (dense interior,"
            + " O(4) blocks), tanh (plain MLP). Default: ${DEFAULT-VALUE}")
    List<String> archs = new ArrayList<>(List.of("U(1)", "O(4)", "generic"));

    @Option(names = "--sigmas", split = ",", description = "sigma_w values (default: 8 points from 0.4 to 2.8).")
    List<Double> sigmas;

    @Option(names = "--seeds", description = "Seeds per point. Default: ${DEFAULT-VALUE}")
    int seeds = 5;

    @Option(names = "--epochs", description = "Epochs per run. Default: ${DEFAULT-VALUE}")
    int epochs = 5;

    @Option(names = "--features", description = "Real features N per level (U(1): N/2 units, O(k): N/k)."
            + " Default: ${DEFAULT-VALUE}")
    int features = 64;

    @Option(names = "--depths", split = ",", description = "Depths (several give the accuracy-vs-depth plot)."
            + " Default: ${DEFAULT-VALUE}")
    List<Integer> depths = new ArrayList<>(List.of(100));

    @Option(names = "--profile", description = "Radial profile. Default: ${DEFAULT-VALUE}")
    String profile = "RTANH";

    @Option(names = "--recipe", description = "paper (the authors' architecture and initialization) or engine (the"
            + " engine's definition: f after the embedding, SCIENCE a.7 initialization), for variant rows."
            + " Default: ${DEFAULT-VALUE}")
    String recipe = "paper";

    @Option(names = "--lr", description = "Adam learning rate. Default: ${DEFAULT-VALUE}")
    double lr = 1e-3;

    @Option(names = "--batch", description = "Mini-batch size. Default: ${DEFAULT-VALUE}")
    int batch = 256;

    @Option(names = "--quick", description = "Reduced CPU budget: 2 seeds, sigma_w 0.8, 1.2, 1.6, 2.4, 1 epoch.")
    boolean quick;

    @Option(names = "--dataset", description = "fashion-mnist or synthetic (only when asked). Default: ${DEFAULT-VALUE}")
    String dataset = "fashion-mnist";

    @Option(names = "--data", description = "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--out", description = "Output directory (default runs/reproduce-TIMESTAMP).")
    Path out;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** One run's outcome. */
    record Run(String arch, int depth, double sigma, long seed, double[] accuracy, boolean diverged, String note) { }

    @Override
    public Integer call() throws IOException {
        if (quick) {
            seeds = 2;
            epochs = 1;
            if (sigmas == null) {
                sigmas = List.of(0.8, 1.2, 1.6, 2.4);
            }
        }
        if (sigmas == null) {
            sigmas = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sigmas.add(0.4 + i * (2.8 - 0.4) / 7);
            }
        }
        if (!recipe.equals("paper") && !recipe.equals("engine")) {
            throw new IllegalArgumentException("--recipe: expected paper or engine, found '" + recipe + "'");
        }
        if (seeds < 1 || epochs < 1 || sigmas.isEmpty() || depths.isEmpty()) {
            throw new IllegalArgumentException("reproduce: expected seeds >= 1, epochs >= 1 and non-empty sigma_w and"
                    + " depth lists, found " + seeds + ", " + epochs + ", " + sigmas + ", " + depths);
        }
        for (double s : sigmas) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("--sigmas: expected values > 0, found " + s);
            }
        }
        Split data;
        String dataName;
        if (dataset.equals("synthetic")) {
            data = SyntheticTasks.defaultTask(1);
            dataName = "synthetic";
        } else if (dataset.equals("fashion-mnist")) {
            Path dir = FashionMnist.locate(dataDir).orElseThrow(() -> new org.goldstone.data.DataException(
                    "Fashion-MNIST: expected the IDX files in " + FashionMnist.DEFAULT_DIR + " or --data DIR, found"
                            + " none (use --dataset synthetic to run the recipe on the synthetic task instead)"));
            data = FashionMnist.load(dir, FashionMnist.Scaling.UNIT);      // pixels / 255, as the authors' code
            dataName = "fashion-mnist";
        } else {
            throw new IllegalArgumentException("--dataset: expected fashion-mnist or synthetic, found '" + dataset + "'");
        }
        Path dir = out != null ? out : RunLauncher.defaultRunDir("reproduce");
        Files.createDirectories(dir);
        int total = archs.size() * depths.size() * sigmas.size() * seeds;
        System.out.printf(Locale.ROOT, "recipe : %s, N = %d features, %s, Adam %.0e, batch %d, %d epoch(s), %d"
                        + " seed(s), pixels/255, sigma_w %s, depths %s; %d runs on %s%n", recipe, features, profile, lr,
                batch, epochs, seeds, sigmas, depths, total, dataName);
        long t0 = System.nanoTime();
        List<Run> runs = new ArrayList<>();
        try (Backend be = backend.open(System.out)) {
            int done = 0;
            for (String arch : archs) {
                for (int depth : depths) {
                    for (double sigma : sigmas) {
                        for (int s = 0; s < seeds; s++) {
                            Run r = runOne(arch, depth, sigma, s + 1, data, dataName, be,
                                    dir.resolve("runs").resolve(String.format(Locale.ROOT, "%s-d%d-s%.3f-seed%d",
                                            arch.replaceAll("[()]", ""), depth, sigma, s + 1)));
                            runs.add(r);
                            done++;
                            System.err.printf(Locale.ROOT, "[%d/%d, %.0f s] %s depth %d sigma_w %.3f seed %d: %s%n",
                                    done, total, (System.nanoTime() - t0) / 1e9, arch, depth, sigma, s + 1,
                                    r.diverged() ? "diverged (" + r.note() + ")" : String.format(Locale.ROOT,
                                            "test accuracy %.4f", r.accuracy()[r.accuracy().length - 1]));
                        }
                    }
                }
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        writeCsv(dir.resolve("results.csv"), runs);
        printTable(runs, wall);
        List<Path> plots;
        try {
            plots = plots(dir, runs);
        } catch (org.goldstone.train.PlotsUnavailableException e) {
            System.out.println("plots  : skipped, " + e.getMessage());
            plots = List.of();
        }
        System.out.println("results: " + dir.resolve("results.csv"));
        System.out.println("plots  : " + plots);
        return 0;
    }

    private Run runOne(String arch, int depth, double sigma, long seed, Split data, String dataName, Backend be,
                       Path runDir) {
        NetSpec.Builder b = NetSpec.builder().inputs(data.train().features()).readout(data.train().classes());
        if (arch.equalsIgnoreCase("tanh")) {
            b.dense(features, Activation.TANH).hidden(depth).sigmaW(sigma);
        } else if (arch.equalsIgnoreCase("generic")) {
            b.embed(Group.orthogonal(4), features / 4).equivariant(depth, RadialProfile.parse(profile)).sigmaW(sigma)
                    .recipe("paper-generic");
        } else {
            Group g = Group.parse(arch);
            if (features % g.unitDim() != 0) {
                throw new IllegalArgumentException("--features: expected a multiple of " + g.unitDim() + " for "
                        + g.label() + ", found " + features);
            }
            b.embed(g, features / g.unitDim()).equivariant(depth, RadialProfile.parse(profile)).sigmaW(sigma)
                    .recipe(recipe.equals("paper") ? "paper" : null);
        }
        TrainConfig cfg = new TrainConfig(b.build(), OptimizerSpec.adam(lr), Schedule.constant(), 0, 0, "ce",
                DType.F32, batch, epochs, 0, seed, 50, 0, 1, dataName);
        double[] acc = new double[epochs];
        java.util.Arrays.fill(acc, Double.NaN);
        try {
            Trainer.start(cfg, data, be, runDir).run(new Trainer.Listener() {
                @Override
                public void onEval(Trainer.EvalInfo e) {
                    acc[e.epoch()] = e.testAccuracy();
                }
            });
            return new Run(arch, depth, sigma, seed, acc, false, "");
        } catch (NonFiniteException e) {
            return new Run(arch, depth, sigma, seed, acc, true, e.getMessage());
        }
    }

    private void printTable(List<Run> runs, double wall) {
        System.out.printf(Locale.ROOT, "%nFashion-MNIST test accuracy after epoch %d (mean +- std over seeds);"
                + " paper: > 0.85 for 100-layer U(1)/O(4) at their best sigma_w > 1, near chance below 1,"
                + " generic baseline < 0.20 everywhere%n", epochs);
        System.out.println("arch     depth  sigma_w   accuracy          per-epoch means                  diverged");
        for (Map.Entry<String, List<Run>> e : group(runs).entrySet()) {
            List<Run> g = e.getValue();
            double[] mean = new double[epochs];
            int diverged = 0;
            List<Double> finals = new ArrayList<>();
            for (Run r : g) {
                if (r.diverged()) {
                    diverged++;
                    continue;
                }
                finals.add(r.accuracy()[epochs - 1]);
                for (int i = 0; i < epochs; i++) {
                    mean[i] += r.accuracy()[i];
                }
            }
            int ok = g.size() - diverged;
            StringBuilder per = new StringBuilder();
            for (int i = 0; i < epochs; i++) {
                per.append(String.format(Locale.ROOT, "%.3f ", ok > 0 ? mean[i] / ok : Double.NaN));
            }
            double m = finals.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double sd = Math.sqrt(finals.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / Math.max(1,
                    finals.size() - 1));
            Run first = g.get(0);
            System.out.printf(Locale.ROOT, "%-8s %5d  %6.3f   %.4f +- %.4f   %-32s %d/%d%n", first.arch(), first.depth(),
                    first.sigma(), m, sd, per.toString().trim(), diverged, g.size());
        }
        System.out.printf(Locale.ROOT, "wall time %.0f s%n", wall);
    }

    private static Map<String, List<Run>> group(List<Run> runs) {
        Map<String, List<Run>> byPoint = new LinkedHashMap<>();
        for (Run r : runs) {
            byPoint.computeIfAbsent(r.arch() + "|" + r.depth() + "|" + r.sigma(), k -> new ArrayList<>()).add(r);
        }
        return byPoint;
    }

    private void writeCsv(Path csv, List<Run> runs) {
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("arch,depth,sigma_w,seed,epoch,test_accuracy,diverged\n");
            for (Run r : runs) {
                for (int i = 0; i < r.accuracy().length; i++) {
                    w.write(String.format(Locale.ROOT, "%s,%d,%s,%d,%d,%s,%s%n", r.arch(), r.depth(), r.sigma(),
                            r.seed(), i + 1, r.accuracy()[i], r.diverged()));
                }
            }
        } catch (IOException e) {
            throw new GoldstoneException("cannot write " + csv + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GoldstoneException("cannot write " + csv + ": " + e.getMessage(), e);
        }
    }

    /** accuracy_vs_sigma.png (critical point marked), and accuracy_vs_depth.png when several depths ran. */
    private List<Path> plots(Path dir, List<Run> runs) {
        List<Path> written = new ArrayList<>();
        Map<String, double[][]> bySigma = new LinkedHashMap<>();
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (List<Run> g : group(runs).values()) {
            Run first = g.get(0);
            double m = g.stream().filter(r -> !r.diverged()).mapToDouble(r -> r.accuracy()[epochs - 1]).average()
                    .orElse(Double.NaN);
            points.computeIfAbsent(first.arch() + " depth " + first.depth(), k -> new ArrayList<>())
                    .add(new double[] {first.sigma(), m});
        }
        for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
            double[] xs = new double[e.getValue().size()], ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = e.getValue().get(i)[0];
                ys[i] = e.getValue().get(i)[1];
            }
            bySigma.put(e.getKey(), new double[][] {xs, ys});
        }
        bySigma.put("critical sigma_w = 1", new double[][] {{1, 1}, {0, 1}});
        Path p1 = dir.resolve("accuracy_vs_sigma.png");
        Plots.lines(p1, "Test accuracy vs sigma_w (paper recipe)", "sigma_w", "test accuracy", bySigma, false);
        written.add(p1);
        if (depths.size() > 1) {
            Map<String, double[][]> byDepth = new LinkedHashMap<>();
            for (String arch : archs) {
                for (double sigma : sigmas) {
                    double[] xs = new double[depths.size()], ys = new double[depths.size()];
                    for (int i = 0; i < depths.size(); i++) {
                        int depth = depths.get(i);
                        xs[i] = depth;
                        ys[i] = runs.stream().filter(r -> r.arch().equals(arch) && r.depth() == depth
                                && r.sigma() == sigma && !r.diverged()).mapToDouble(r -> r.accuracy()[epochs - 1])
                                .average().orElse(Double.NaN);
                    }
                    byDepth.put(String.format(Locale.ROOT, "%s sigma_w %.2f", arch, sigma), new double[][] {xs, ys});
                }
            }
            Path p2 = dir.resolve("accuracy_vs_depth.png");
            Plots.lines(p2, "Test accuracy vs depth (paper recipe)", "depth", "test accuracy", byDepth, false);
            written.add(p2);
        }
        return written;
    }
}
