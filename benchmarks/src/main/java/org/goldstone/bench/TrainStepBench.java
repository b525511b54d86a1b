package org.goldstone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.goldstone.backend.Backend;
import org.goldstone.backend.Backends;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.Optimizer;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end training step on the CPU backend in fp32: {@code lossAndGradient} (forward, softmax cross-entropy,
 * backward) plus one Adam update, for the deep U(1) and O(4) equivariant nets (784 -> embed -> depth x
 * (equivariant linear, ALG) -> readout 10) and the real tanh MLP of the same width and depth.
 *
 * <p>Before timing, setup checks the answer: the fp32 loss of the initial parameters against the fp64 loss
 * (same parameters, same batch), and the fp64 gradient against a central difference along a random direction.
 *
 * <p>{@link #main} turns a JMH JSON result (and optionally the PyTorch reference output of
 * {@code benchmarks/pytorch/train_step.py}) into the markdown table of GFLOP/s; see {@code benchmarks/run-cpu.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class TrainStepBench {
    static final int INPUTS = 784, CLASSES = 10;
    static final double FP32_LOSS_RTOL = 1e-3, FP32_GRAD_RTOL = 1e-2, FD_EPS = 1e-6, FD_RTOL = 1e-5;

    /** "U(1)", "O(k)" or "tanh" (the real baseline). */
    @Param({"U(1)", "O(4)", "tanh"}) public String net;
    @Param("128") public int width;
    @Param("100") public int depth;
    @Param("256") public int batch;
    @Param({"ALG"}) public RadialProfile profile;

    private Backend device;
    private FeedForwardNet network;
    private FeedForwardNet.Workspace ws;
    private DeviceBuffer params, grad;
    private Optimizer optimizer;
    private Loss loss;

    @Setup(Level.Trial)
    public void setUp() {
        network = FeedForwardNet.of(spec(net, width, depth, profile));
        device = Backends.open("cpu");
        loss = Loss.parse("ce");
        SplittableRandom rng = new SplittableRandom(20240601L);
        double[] theta = network.initialParameters(rng.split());
        float[] x = new float[batch * INPUTS];                 // sample-major, standard normal
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(rng);
        }
        double[] labels = new double[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextInt(CLASSES);
        }

        ws = network.workspace(device, DType.F32, batch);
        ws.load(x, labels, batch);
        params = device.allocate(DType.F32, network.paramCount());
        grad = device.allocate(DType.F32, network.paramCount());
        device.write(params, theta);
        checkAnswer(theta, x, labels, rng.split());
        optimizer = new Optimizer(OptimizerSpec.adam(1e-3), Schedule.constant(), 0.0, device, DType.F32,
                network.paramCount());
    }

    /**
     * (a) fp32 loss == fp64 loss within {@link #FP32_LOSS_RTOL}, and the fp32 gradient matches the fp64 one within
     * {@link #FP32_GRAD_RTOL} in relative L2 norm; (b) in fp64, the directional derivative of the mean loss along a
     * random direction d, by central difference with step {@link #FD_EPS}, matches grad . d within {@link #FD_RTOL}.
     * d has N(0, 1) components and is not normalized: along a unit d, grad . d ~ |grad| / sqrt(params) (~1e-4
     * here), and the fp64 rounding of the loss difference alone would then reach the 1e-5 tolerance.
     * x, labels: the batch already loaded into the fp32 workspace.
     */
    private void checkAnswer(double[] theta, float[] x, double[] labels, SplittableRandom rng) {
        int p = network.paramCount();
        double loss32 = network.lossAndGradient(ws, params, grad, loss, batch).sum();

        FeedForwardNet.Workspace ws64 = network.workspace(device, DType.F64, batch);
        ws64.load(x, labels, batch);
        DeviceBuffer theta64 = device.allocate(DType.F64, p), grad64 = device.allocate(DType.F64, p);
        device.write(theta64, theta);
        double loss64 = network.lossAndGradient(ws64, theta64, grad64, loss, batch).sum();
        double lossErr = Math.abs(loss32 - loss64) / Math.abs(loss64);
        if (!(lossErr <= FP32_LOSS_RTOL)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: fp32 loss %.9g vs fp64 loss %.9g, rel err"
                    + " %.3g > %.1g", label(), loss32, loss64, lossErr, FP32_LOSS_RTOL));
        }

        double[] g = new double[p], g32 = new double[p], d = new double[p];
        device.read(grad64, g);
        device.read(grad, g32);
        double diff = 0, ref = 0;
        for (int i = 0; i < p; i++) {
            diff += (g32[i] - g[i]) * (g32[i] - g[i]);
            ref += g[i] * g[i];
        }
        double gradErr = Math.sqrt(diff / ref);
        if (!(gradErr <= FP32_GRAD_RTOL)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: |grad fp32 - grad fp64| / |grad fp64| ="
                    + " %.3g > %.1g (|grad fp64| = %.6g)", label(), gradErr, FP32_GRAD_RTOL, Math.sqrt(ref)));
        }
        double analytic = 0;
        for (int i = 0; i < p; i++) {
            d[i] = gaussian(rng);
            analytic += g[i] * d[i];
        }
        double[] shifted = new double[p];
        double[] meanLoss = new double[2];
        for (int s = 0; s < 2; s++) {
            double sign = s == 0 ? 1.0 : -1.0;
            for (int i = 0; i < p; i++) {
                shifted[i] = theta[i] + sign * FD_EPS * d[i];
            }
            device.write(theta64, shifted);
            meanLoss[s] = network.evaluate(ws64, theta64, loss, batch).sum() / batch;
        }
        double numeric = (meanLoss[0] - meanLoss[1]) / (2 * FD_EPS);
        double fdErr = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-300);
        if (!(fdErr < FD_RTOL)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: fp64 gradient . d = %.12g, central"
                    + " difference (eps %.0e) = %.12g, rel err %.3g >= %.0e", label(), analytic, FD_EPS, numeric,
                    fdErr, FD_RTOL));
        }
        System.out.printf(Locale.ROOT, "# check %s: params %d, loss fp32 %.9g fp64 %.9g (rel %.2e), grad fp32 vs"
                + " fp64 rel %.2e; fp64 grad.d %.9g vs central diff %.9g (rel %.2e); fp32 workspace %.1f MiB%n",
                label(), p, loss32, loss64, lossErr, gradErr, analytic, numeric, fdErr, ws.bytes() / 1048576.0);
    }

    /** One training step; the loss sum is returned so the work is not dead code. */
    @Benchmark
    public double step() {
        LossOps.Value v = network.lossAndGradient(ws, params, grad, loss, batch);
        optimizer.update(params, grad, device.reduce().sumSquares(grad));
        return v.sum();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }

    private String label() {
        return net + " width " + width + " depth " + depth + " batch " + batch;
    }

    /** The benchmarked network: "tanh" is the real baseline, anything else a group label. */
    static NetSpec spec(String net, int width, int depth, RadialProfile profile) {
        if (net.equalsIgnoreCase("tanh")) {
            return NetSpec.builder().inputs(INPUTS).dense(width, Activation.TANH).hidden(depth).readout(CLASSES)
                    .build();
        }
        return NetSpec.builder().inputs(INPUTS).embed(Group.parse(net), width).equivariant(depth, profile)
                .readout(CLASSES).build();
    }

    /**
     * Floating-point operations of one training step, counting only the GEMMs (2 flops per multiply-add).
     * Per layer, forward MACs (real multiply-adds per batch of {@code batch} samples, k real components per unit):
     * <pre>
     *   embedding   784 -> width*k            : 784 * width*k * batch
     *   equivariant width -> width, depth x   : U(1)  4 * width*width * batch   (complex MAC = 4 real MACs)
     *                                           O(k)  width*width * k * batch   (W (x) I_k over batch*k columns)
     *                                           tanh  width*width * batch       (k = 1)
     *   readout     width*k -> 10             : width*k * 10 * batch
     * </pre>
     * Backward is two more GEMMs of the same size per layer (G_W = G_Y X^T, G_X = W^T G_Y), except the
     * embedding, whose input gradient is not computed: flops = 2 * (2 * embed + 3 * (equivariant + readout)).
     * Bias adds, nonlinearities, the loss and the Adam update are not counted.
     */
    public static double flops(String net, int width, int depth, int batch) {
        boolean real = net.equalsIgnoreCase("tanh");
        boolean complex = !real && "U(1)".equals(Group.parse(net).label());
        int k = real ? 1 : Group.parse(net).unitDim();
        double embed = (double) INPUTS * width * k * batch;
        double layer = complex ? 4.0 * width * width * batch : (double) width * width * k * batch;
        double readout = (double) width * k * CLASSES * batch;
        return 2.0 * (2.0 * embed + 3.0 * (depth * layer + readout));
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();   // Box-Muller; u1 in (0, 1]
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * Prints the markdown table: {@code TrainStepBench <jmh-result.json> [<pytorch-output.txt>]}. The PyTorch file
     * holds lines {@code pytorch <net> <ms> ms/step}; the ratio is PyTorch ms / Goldstone ms (above 1: Goldstone
     * is faster).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: TrainStepBench <jmh-result.json> [<pytorch-output.txt>]");
            System.exit(2);
        }
        Map<String, Double> torch = new LinkedHashMap<>();
        if (args.length == 2) {
            List<String> lines = Files.readAllLines(Path.of(args[1]));
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4 && f[0].equals("pytorch") && f[3].equals("ms/step")) {
                    torch.put(f[1], Double.parseDouble(f[2]));
                }
            }
        }
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        System.out.println("| net | width x depth, batch | Goldstone ms/step | GFLOP/s | PyTorch ms/step | ratio"
                + " (PyTorch/Goldstone) |");
        System.out.println("|---|---|---|---|---|---|");
        for (JsonNode r : results) {
            if (!r.path("benchmark").asText().endsWith("TrainStepBench.step")) {
                continue;
            }
            JsonNode p = r.path("params");
            String name = p.path("net").asText();
            int w = p.path("width").asInt(), dep = p.path("depth").asInt(), b = p.path("batch").asInt();
            JsonNode metric = r.path("primaryMetric");
            if (!metric.path("scoreUnit").asText().equals("ms/op")) {
                throw new IllegalArgumentException("expected scoreUnit ms/op, found " + metric.path("scoreUnit"));
            }
            double ms = metric.path("score").asDouble(), err = metric.path("scoreError").asDouble();
            double gflops = flops(name, w, dep, b) / (ms * 1e-3) / 1e9;
            Double t = torch.get(name);
            String errText = Double.isFinite(err) ? String.format(Locale.ROOT, " ± %.1f", err) : "";
            System.out.printf(Locale.ROOT, "| %s | %d x %d, %d | %.1f%s | %.2f | %s | %s |%n", name, w, dep, b, ms,
                    errText, gflops, t == null ? "-" : String.format(Locale.ROOT, "%.1f", t),
                    t == null ? "-" : String.format(Locale.ROOT, "%.2f", t / ms));
        }
    }
}
