package org.goldstone.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;
import org.goldstone.NonFiniteException;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.backend.Replay;
import org.goldstone.data.Batches;
import org.goldstone.data.Dataset;
import org.goldstone.data.Split;
import org.goldstone.layer.Layer;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.optim.Optimizer;

/**
 * The training loop: seeded shuffles per epoch, mini-batch steps (objective = mean loss + (lambda/2)|theta|^2),
 * metrics rows every {@code logEvery} steps and at each epoch end (with test-split evaluation), atomic
 * safetensors checkpoints, and a guard that stops on the first non-finite loss or gradient, naming the step and
 * the layer, without touching the checkpoints already written.
 *
 * <p>Run directory: {@code config.json}, {@code metrics.csv}, {@code metrics.jsonl}, {@code checkpoints/},
 * {@code plots/}. {@link #resume} continues a run from its latest checkpoint; on the CPU the continuation is
 * bit-identical to an uninterrupted run.
 */
public final class Trainer {
    /** What the trainer reports while it runs; the CLI turns these into a progress bar. */
    public interface Listener {
        default void onStart(TrainConfig cfg, long firstStep, long totalSteps) {
        }

        default void onStep(StepInfo info) {
        }

        default void onEval(EvalInfo info) {
        }
    }

    /** One update: mean batch loss, batch accuracy, learning rate used, gradient norm before clipping. */
    public record StepInfo(long step, int epoch, double loss, double accuracy, double lr, double gradNorm) { }

    /** End-of-epoch evaluation on the test split. */
    public record EvalInfo(long step, int epoch, double testLoss, double testAccuracy, double seconds) { }

    /** Final numbers and where the files went. */
    public record Result(long steps, double testLoss, double testAccuracy, Path runDir, Path lastCheckpoint,
                         List<Path> plots, double seconds) { }

    private final TrainConfig cfg;
    private final Split data;
    private final Backend be;
    private final Path runDir;
    private final FeedForwardNet net;
    private final Loss loss;
    private final DeviceBuffer params, grad;
    private final Optimizer optimizer;
    private final CheckpointStore store;
    private Checkpoint.Position position;
    private final boolean resumed;

    /**
     * Forward, loss and backward of a full batch in {@code ws}, recorded once per run ({@code Backend.record}: a CUDA
     * graph with {@code -Dgoldstone.cuda.graphs=true}, else the same calls each time) and replayed each step; the
     * loss it last produced is read with {@link LossOps.Value#again}.
     */
    private Replay fullStep;
    private FeedForwardNet.Workspace fullStepWorkspace;
    private final LossOps.Value[] fullStepLoss = new LossOps.Value[1];

    private Trainer(TrainConfig cfg, Split data, Backend be, Path runDir, Optional<Path> resumeFrom) {
        this.cfg = cfg;
        this.data = data;
        this.be = be;
        this.runDir = runDir;
        Dataset train = data.train();
        if (train.features() != cfg.net().inputs() || train.classes() != cfg.net().classes()) {
            throw new GoldstoneException("data: expected " + cfg.net().inputs() + " features and "
                    + cfg.net().classes() + " classes for " + cfg.net().describe() + ", found " + train.features()
                    + " and " + train.classes() + " in " + train.name());
        }
        this.net = FeedForwardNet.of(cfg.net());
        this.loss = Loss.parse(cfg.loss());
        this.params = be.allocate(cfg.dtype(), net.paramCount());
        this.grad = be.allocate(cfg.dtype(), net.paramCount());
        this.optimizer = new Optimizer(cfg.optimizer(), cfg.schedule(), cfg.clipNorm(), be, cfg.dtype(),
                net.paramCount());
        this.store = new CheckpointStore(runDir.resolve("checkpoints"), cfg.keepLast());
        this.resumed = resumeFrom.isPresent();
        if (resumeFrom.isPresent()) {
            Path file = resumeFrom.get();
            Safetensors.Loaded loaded = Safetensors.read(file);
            Checkpoint.restore(loaded, file, "param/", net, be, params);
            for (Map.Entry<String, DeviceBuffer> e : optimizer.state().entrySet()) {
                Checkpoint.restore(loaded, file, "optim/" + e.getKey() + "/", net, be, e.getValue());
            }
            position = Checkpoint.position(loaded, file);
            optimizer.restoreStep(position.step());
        } else {
            be.write(params, net.initialParameters(new SplittableRandom(cfg.seed())));
            position = new Checkpoint.Position(0, 0, 0);
        }
    }

    /** A new run in {@code runDir} (created; an existing run there is refused so nothing saved is overwritten). */
    public static Trainer start(TrainConfig cfg, Split data, Backend be, Path runDir) {
        if (Files.isDirectory(runDir.resolve("checkpoints"))) {
            throw new GoldstoneException("run directory " + runDir + ": expected a new directory, found an existing"
                    + " run (use --resume to continue it, or choose another --out)");
        }
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve("config.json"), cfg.toJson() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GoldstoneException("cannot create run directory " + runDir + ": " + e.getMessage(), e);
        }
        return new Trainer(cfg, data, be, runDir, Optional.empty());
    }

    /** The config of the latest checkpoint in {@code runDir} (to learn which data set to load before resuming). */
    public static TrainConfig latestConfig(Path runDir) {
        Path file = latestCheckpoint(runDir);
        return Checkpoint.config(Safetensors.read(file), file);
    }

    private static Path latestCheckpoint(Path runDir) {
        CheckpointStore store = new CheckpointStore(runDir.resolve("checkpoints"), 1);
        return store.latest().orElseThrow(() -> new CheckpointException("resume " + runDir
                + ": expected a checkpoint in " + runDir.resolve("checkpoints") + ", found none"));
    }

    /**
     * Continues the run in {@code runDir} from its latest checkpoint. {@code epochs} > 0 replaces the epoch count,
     * {@code maxSteps} >= 0 the step limit (0 = none); everything else comes from the checkpoint.
     */
    public static Trainer resume(Path runDir, Split data, Backend be, int epochs, long maxSteps) {
        Path file = latestCheckpoint(runDir);
        TrainConfig cfg = Checkpoint.config(Safetensors.read(file), file);
        if (epochs > 0) {
            cfg = cfg.withEpochs(epochs);
        }
        if (maxSteps >= 0) {
            cfg = cfg.withMaxSteps(maxSteps);
        }
        return new Trainer(cfg, data, be, runDir, Optional.of(file));
    }

    public TrainConfig config() {
        return cfg;
    }

    public FeedForwardNet network() {
        return net;
    }

    /** Current parameters, copied to the host. */
    public double[] parameters() {
        double[] host = new double[net.paramCount()];
        be.read(params, host);
        return host;
    }

    /** Updates per epoch. */
    public int batchesPerEpoch() {
        return Batches.batchesPerEpoch(data.train().size(), cfg.batch());
    }

    public Result run(Listener listener) {
        long t0 = System.nanoTime();
        Dataset train = data.train();
        int perEpoch = batchesPerEpoch();
        long total = (long) perEpoch * cfg.epochs();
        if (cfg.maxSteps() > 0) {
            total = Math.min(total, cfg.maxSteps());
        }
        listener.onStart(cfg, position.step(), total);
        FeedForwardNet.Workspace ws = net.workspace(be, cfg.dtype(), cfg.batch());
        float[] xb = new float[cfg.batch() * train.features()];
        double[] yb = new double[cfg.batch()];
        Path lastCheckpoint = store.latest().orElse(null);
        double testLoss = Double.NaN, testAcc = Double.NaN;
        double sumLoss = 0, sumAcc = 0;
        int rows = 0;
        try (MetricsLog log = new MetricsLog(runDir, resumed)) {
            while (position.step() < total && position.epoch() < cfg.epochs()) {
                int epoch = position.epoch();
                int[] order = Batches.permutation(train.size(), cfg.seed(), epoch);
                for (int b = position.batchInEpoch(); b < perEpoch && position.step() < total; b++) {
                    int from = b * cfg.batch(), to = Math.min(train.size(), from + cfg.batch());
                    int n = to - from;
                    train.gather(order, from, to, xb, yb);
                    ws.load(xb, yb, n);
                    StepInfo info = step(ws, n, epoch);
                    position = new Checkpoint.Position(position.step() + 1, epoch, b + 1);
                    sumLoss += info.loss();
                    sumAcc += info.accuracy();
                    rows++;
                    listener.onStep(info);
                    boolean epochEnd = b + 1 == perEpoch;
                    if (position.step() % cfg.logEvery() == 0 && !epochEnd) {
                        log.log(row(info, sumLoss / rows, sumAcc / rows, Double.NaN, Double.NaN, t0));
                        sumLoss = sumAcc = 0;
                        rows = 0;
                    }
                    if (epochEnd) {
                        position = new Checkpoint.Position(position.step(), epoch + 1, 0);
                    }
                    boolean stop = position.step() >= total;
                    if (epochEnd || stop) {
                        double[] ev = evaluate(data.test());
                        testLoss = ev[0];
                        testAcc = ev[1];
                        listener.onEval(new EvalInfo(position.step(), epoch, testLoss, testAcc,
                                (System.nanoTime() - t0) / 1e9));
                        log.log(row(info, rows > 0 ? sumLoss / rows : info.loss(),
                                rows > 0 ? sumAcc / rows : info.accuracy(), testLoss, testAcc, t0));
                        sumLoss = sumAcc = 0;
                        rows = 0;
                    }
                    boolean due = cfg.checkpointEvery() > 0 && position.step() % cfg.checkpointEvery() == 0;
                    if (epochEnd || stop || due) {
                        lastCheckpoint = saveCheckpoint();
                    }
                    if (epochEnd) {
                        break;
                    }
                }
            }
        } finally {
            closeFullStep();
        }
        List<Path> plots;
        try {
            plots = Plots.trainingCurves(runDir.resolve(MetricsLog.CSV), runDir.resolve("plots"));
        } catch (PlotsUnavailableException e) {
            System.getLogger(Trainer.class.getName()).log(System.Logger.Level.WARNING,
                    "training-curve plots skipped: " + e.getMessage());
            plots = List.of();
        }
        return new Result(position.step(), testLoss, testAcc, runDir, lastCheckpoint, plots,
                (System.nanoTime() - t0) / 1e9);
    }

    private Map<String, Object> row(StepInfo info, double trainLoss, double trainAcc, double testLoss, double testAcc,
                                    long t0) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", position.step());
        row.put("epoch", info.epoch());
        row.put("train_loss", trainLoss);
        row.put("train_acc", trainAcc);
        row.put("test_loss", testLoss);
        row.put("test_acc", testAcc);
        row.put("lr", info.lr());
        row.put("grad_norm", info.gradNorm());
        row.put("seconds", (System.nanoTime() - t0) / 1e9);
        return row;
    }

    /** Forward, loss and backward on the loaded batch of n samples: replayed for a full batch. */
    private LossOps.Value lossAndGradient(FeedForwardNet.Workspace ws, int n) {
        if (n != cfg.batch()) {
            return net.lossAndGradient(ws, params, grad, loss, n);
        }
        if (fullStep == null || fullStepWorkspace != ws) {
            closeFullStep();
            fullStep = be.record(() -> fullStepLoss[0] = net.lossAndGradient(ws, params, grad, loss, n));
            fullStepWorkspace = ws;
        }
        fullStep.run();
        return fullStepLoss[0].again();
    }

    private void closeFullStep() {
        if (fullStep != null) {
            fullStep.close();
            fullStep = null;
            fullStepWorkspace = null;
        }
    }

    /** One update on the loaded batch of n samples. */
    private StepInfo step(FeedForwardNet.Workspace ws, int n, int epoch) {
        long step = position.step();
        LossOps.Value v = lossAndGradient(ws, n);
        double mean = v.sum() / n;
        if (!Double.isFinite(mean)) {
            throw new NonFiniteException(step, firstNonFiniteLevel(ws, n), "loss " + mean);
        }
        if (cfg.weightDecay() > 0) {
            mean += 0.5 * cfg.weightDecay() * be.reduce().sumSquares(params);
            be.reduce().axpyInPlace(cfg.weightDecay(), params, grad);
        }
        double g2 = be.reduce().sumSquares(grad);
        if (!Double.isFinite(g2)) {
            int bad = be.reduce().firstNonFinite(grad);
            throw new NonFiniteException(step, net.layers().get(net.layerOf(bad)).name(), "gradient");
        }
        double lr = optimizer.update(params, grad, g2);
        return new StepInfo(step, epoch, mean, v.correct() / (double) n, lr, Math.sqrt(g2));
    }

    /** Name of the first layer whose output is non-finite in the last forward pass. */
    private String firstNonFiniteLevel(FeedForwardNet.Workspace ws, int n) {
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (be.reduce().firstNonFinite(ws.activation(i + 1, n)) >= 0) {
                return layers.get(i).name();
            }
        }
        return "loss head";
    }

    /** Mean loss and accuracy of the current parameters on a data set (in batches of the training batch size). */
    public double[] evaluate(Dataset set) {
        FeedForwardNet.Workspace ws = net.workspace(be, cfg.dtype(), cfg.batch());
        float[] xb = new float[cfg.batch() * set.features()];
        double[] yb = new double[cfg.batch()];
        int[] order = new int[set.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double sum = 0;
        long correct = 0;
        for (int from = 0; from < set.size(); from += cfg.batch()) {
            int to = Math.min(set.size(), from + cfg.batch());
            set.gather(order, from, to, xb, yb);
            ws.load(xb, yb, to - from);
            LossOps.Value v = net.evaluate(ws, params, loss, to - from);
            sum += v.sum();
            correct += v.correct();
        }
        return new double[] {sum / set.size(), correct / (double) set.size()};
    }

    /** Saves the current state; refuses (and keeps the earlier checkpoints) if a parameter is not finite. */
    private Path saveCheckpoint() {
        int bad = be.reduce().firstNonFinite(params);
        if (bad >= 0) {
            throw new NonFiniteException(position.step(), net.layers().get(net.layerOf(bad)).name(), "parameter");
        }
        return store.save(position.step(), Checkpoint.tensors(net, be, params, optimizer.state()),
                Checkpoint.metadata(cfg, position));
    }
}
