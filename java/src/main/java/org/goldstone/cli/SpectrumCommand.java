package org.goldstone.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.goldstone.GoldstoneException;
import org.goldstone.backend.Backend;
import org.goldstone.data.Dataset;
import org.goldstone.data.Split;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.spectral.HessianOperator;
import org.goldstone.spectral.Spectrum;
import org.goldstone.symmetry.GoldstoneReport;
import org.goldstone.tensor.DType;
import org.goldstone.train.Checkpoint;
import org.goldstone.train.CheckpointStore;
import org.goldstone.train.Plots;
import org.goldstone.train.Safetensors;
import org.goldstone.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code goldstone spectrum}: Hessian spectroscopy of a checkpoint (or of a freshly initialized net): top and bottom
 * eigenvalues, trace, spectral density and the Goldstone report, as JSON plus PNG plots.
 */
@Command(name = "spectrum", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Hessian spectroscopy of a checkpoint (--checkpoint FILE or --run DIR) or of a fresh net built"
                + " from the train options: eigenvalues, trace, density, Goldstone report; JSON and PNG plots.")
final class SpectrumCommand implements Callable<Integer> {
    @Mixin
    BackendOption backend = new BackendOption();

    @Option(names = "--checkpoint", description = "A safetensors checkpoint written by train/demo.")
    Path checkpoint;

    @Option(names = "--run", description = "A run directory: its latest checkpoint.")
    Path run;

    @Mixin
    TrainOptions options = new TrainOptions();

    @Option(names = "--samples", description = "Training samples the Hessian averages over. Default: ${DEFAULT-VALUE}")
    int samples = 256;

    @Option(names = "--hessian-batch", description = "Samples per R-operator product. Default: ${DEFAULT-VALUE}")
    int hessianBatch = 256;

    @Option(names = "--operator", description = "hessian or ggn (Gauss-Newton). Default: ${DEFAULT-VALUE}")
    String operator = "hessian";

    @Option(names = "--precision", description = "f32 or f64 products (estimator bookkeeping is always f64)."
            + " Default: ${DEFAULT-VALUE}")
    String precision = "f32";

    @Option(names = "--top", description = "Top eigenvalues by power iteration. Default: ${DEFAULT-VALUE}")
    int top = 3;

    @Option(names = "--lanczos", description = "Lanczos steps (full reorthogonalization). Default: ${DEFAULT-VALUE}")
    int lanczos = 80;

    @Option(names = "--trace-probes", description = "Hutchinson probes. Default: ${DEFAULT-VALUE}")
    int traceProbes = 50;

    @Option(names = "--density-probes", description = "SLQ probes. Default: ${DEFAULT-VALUE}")
    int densityProbes = 1;

    @Option(names = "--tangent-checks", description = "Tangent identities checked per family (large P)."
            + " Default: ${DEFAULT-VALUE}")
    int tangentChecks = 8;

    @Option(names = "--dense-limit",
            description = "Largest P for the dense eigendecomposition. Default: ${DEFAULT-VALUE}")
    int denseLimit = 2000;

    @Option(names = "--out", description = "Output directory (default: spectrum/ next to the checkpoint, or"
            + " runs/spectrum-TIMESTAMP).")
    Path out;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        Path file = checkpoint;
        if (file == null && run != null) {
            file = new CheckpointStore(run.resolve("checkpoints"), 1).latest().orElseThrow(() ->
                    new org.goldstone.train.CheckpointException(run + ": expected a checkpoint in "
                            + run.resolve("checkpoints") + ", found none"));
        }
        FeedForwardNet net;
        double[] theta;
        Split data;
        String lossName;
        double weightDecay;
        if (file != null) {
            Safetensors.Loaded loaded = Safetensors.read(file);
            TrainConfig cfg = Checkpoint.config(loaded, file);
            net = FeedForwardNet.of(cfg.net());
            theta = Checkpoint.parameters(loaded, file, net);
            options.seed = cfg.seed();
            data = options.loadNamed(cfg.dataset());
            lossName = cfg.loss();
            weightDecay = cfg.weightDecay();
            System.out.println("checkpoint: " + file + " (step " + Checkpoint.position(loaded, file).step() + ")");
        } else {
            TrainOptions.Loaded loaded = options.loadData(System.out);
            data = loaded.split();
            TrainConfig cfg = options.config(data.train().features(), data.train().classes(), loaded.name());
            net = FeedForwardNet.of(cfg.net());
            theta = net.initialParameters(new java.util.SplittableRandom(cfg.seed()));
            lossName = cfg.loss();
            weightDecay = cfg.weightDecay();
            System.out.println("fresh network (no checkpoint), seed " + cfg.seed());
        }
        Dataset train = data.train();
        int n = Math.min(samples, train.size());
        if (n < 1) {
            throw new IllegalArgumentException("--samples: expected >= 1, found " + samples);
        }
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        Dataset subset = train.subset(0, n);
        HessianOperator.Kind kind = operator.equalsIgnoreCase("ggn") ? HessianOperator.Kind.GAUSS_NEWTON
                : operator.equalsIgnoreCase("hessian") ? HessianOperator.Kind.HESSIAN : null;
        if (kind == null) {
            throw new IllegalArgumentException("--operator: expected hessian or ggn, found '" + operator + "'");
        }
        System.out.println("network   : " + net.spec().describe() + ", P = " + net.paramCount());
        System.out.println("operator  : " + kind.name().toLowerCase(Locale.ROOT) + " of mean " + lossName + " over "
                + n + " training samples + " + weightDecay + "/2 |theta|^2, " + precision + " products");
        Path dir = out != null ? out : file != null ? file.getParent().resolveSibling("spectrum")
                : RunLauncher.defaultRunDir("spectrum");
        Files.createDirectories(dir);
        try (Backend be = backend.open(System.out)) {
            HessianOperator op = HessianOperator.onDataset(net, theta, Loss.parse(lossName), subset, hessianBatch, be,
                    DType.parse(precision), weightDecay, kind);
            Spectrum.Settings s = new Spectrum.Settings(top, lanczos, traceProbes, densityProbes, lanczos,
                    tangentChecks,
                    denseLimit, 1e-9, options.seed);
            long t0 = System.nanoTime();
            Spectrum.Result r = Spectrum.run(net, op, lossName.equals("ce"), s, stage -> System.err.printf(Locale.ROOT,
                    "[%6.1f s, %d products] %s%n", (System.nanoTime() - t0) / 1e9, op.products(), stage));
            Path json = dir.resolve("spectrum.json");
            writeJson(json, r);
            List<Path> plots;
            try {
                plots = plots(dir, r);
            } catch (org.goldstone.train.PlotsUnavailableException e) {
                System.out.println("plots     : skipped, " + e.getMessage());
                plots = List.of();
            }
            print(r);
            System.out.println("json      : " + json);
            System.out.println("plots     : " + plots);
            for (String note : r.notes()) {
                if (note.startsWith(Spectrum.FAILED)) {
                    System.err.println("goldstone: spectrum " + note + "; partial results kept in " + json);
                    return GoldstoneCli.EXIT_NONFINITE;
                }
            }
        }
        return 0;
    }

    private static void print(Spectrum.Result r) {
        System.out.printf(Locale.ROOT, "asymmetry       : %.2e (|u.Hv - v.Hu| relative)%n", r.asymmetry());
        if (r.topEigenvalues() != null) {
            System.out.printf(Locale.ROOT, "top eigenvalues : %s%n",
                    java.util.Arrays.toString(round(r.topEigenvalues())));
        }
        if (r.ritzValues() != null) {
            System.out.printf(Locale.ROOT, "Ritz range      : [%.6g, %.6g] (%d Lanczos steps)%n", r.ritzValues()[0],
                    r.ritzValues()[r.ritzValues().length - 1], r.ritzValues().length);
        }
        if (r.traceProbes() > 0) {
            System.out.printf(Locale.ROOT, "trace           : %.6g +- %.2g (%d probes)%n", r.trace(),
                    r.traceStandardError(), r.traceProbes());
        }
        System.out.printf(Locale.ROOT, "products        : %d in %.1f s%n", r.products(), r.seconds());
        if (r.goldstone() != null) {
            System.out.print("Goldstone       : " + r.goldstone().toText());
        }
        for (String note : r.notes()) {
            System.out.println("note            : " + note);
        }
    }

    private static double[] round(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Double.parseDouble(String.format(Locale.ROOT, "%.6g", x[i]));
        }
        return out;
    }

    private static void writeJson(Path json, Spectrum.Result r) {
        try {
            byte[] bytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false).writeValueAsBytes(r);
            Path tmp = json.resolveSibling(json.getFileName() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, json, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new GoldstoneException("cannot write " + json + ": " + e.getMessage(), e);
        }
    }

    /** density.png (log scale), ritz.png, tangents.png. */
    private static List<Path> plots(Path dir, Spectrum.Result r) {
        List<Path> written = new ArrayList<>();
        if (r.density() == null || r.ritzValues() == null) {
            return written;
        }
        double[][] d = r.density();
        double[] floor = new double[d[1].length];
        for (int i = 0; i < floor.length; i++) {
            floor[i] = d[1][i] + 1e-7;                  // PyHessian's log-scale floor
        }
        Path density = dir.resolve("density.png");
        Plots.lines(density, "Hessian spectral density (SLQ)", "eigenvalue", "density", Map.of("density",
                new double[][] {d[0], floor}), true);
        written.add(density);
        double[] index = new double[r.ritzValues().length];
        double[] absRitz = new double[index.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
            absRitz[i] = Math.abs(r.ritzValues()[i]);
        }
        Path ritz = dir.resolve("ritz.png");
        Plots.lines(ritz, "Lanczos Ritz values (|theta|, ascending)", "index", "|Ritz value|", Map.of("Ritz",
                new double[][] {index, absRitz}), true);
        written.add(ritz);
        Map<String, double[][]> fam = new LinkedHashMap<>();
        List<GoldstoneReport.Family> families = r.goldstone() == null ? List.of() : r.goldstone().families();
        if (!families.isEmpty()) {
            double[] x = new double[families.size()], res = new double[x.length], cos = new double[x.length];
            double[] ray = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
                res[i] = families.get(i).maxResidual();
                cos[i] = families.get(i).maxGradientCosine();
                ray[i] = families.get(i).maxRayleigh();
            }
            fam.put("max |H t - A g| / (lambda_max |t|)", new double[][] {x, res});
            fam.put("max |cos(g, t)|", new double[][] {x, cos});
            fam.put("max Rayleigh / lambda_max", new double[][] {x, ray});
            Path tangents = dir.resolve("tangents.png");
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < families.size(); i++) {
                names.append(i).append(" = ").append(families.get(i).name()).append(i + 1 < families.size()
                        ? ", " : "");
            }
            Plots.lines(tangents, "Symmetry tangents: " + names, "family", "relative size", fam, true);
            written.add(tangents);
        }
        return written;
    }
}
