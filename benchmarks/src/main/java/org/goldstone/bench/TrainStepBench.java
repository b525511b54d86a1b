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
import org.goldstone.backend.Replay;
import org.goldstone.data.Dataset;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.Optimizer;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.spectral.HessianOperator;
import org.goldstone.spectral.Lanczos;
import org.goldstone.spectral.Reorthogonalization;
import org.goldstone.spectral.SymmetricOperator;
import org.goldstone.tensor.DType;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * End-to-end training step on the CPU backend in fp32, and the curvature work measured against it, for the deep
 * U(1) and O(4) equivariant nets (784 -> embed -> depth x (equivariant linear, ALG) -> readout 10) and the real tanh
 * MLP of the same width and depth. Three benchmarks share the state, so one JMH run measures all three on the same
 * nets, batch and parameters (each in its own fork, JMH's default for {@code @Fork(1)}):
 * <ul>
 *   <li>{@link #step}: {@code lossAndGradient} (forward, softmax cross-entropy, backward) plus one Adam update, the
 *       loss read one step late (nothing read back inside the step);</li>
 *   <li>{@link #hvp}: one exact Hessian-vector product {@code hessianVector} (R-operator) along a fixed random
 *       fp32 direction;</li>
 *   <li>{@link #lanczos20}: 20 Lanczos steps with full reorthogonalization on a {@link HessianOperator} of the same
 *       batch (fp32 device, fp64 host vectors, weight decay 0), fixed Rademacher start; each step is one operator
 *       apply (host -> device copy, one R-operator product, device -> host copy) plus the host-side
 *       reorthogonalization. Its iterations are longer (see the method). Its secondary results
 *       ({@link LanczosSplit}) give the same calls' cost in units of the products they made.</li>
 * </ul>
 *
 * <p>Before timing, setup checks the answer: the fp32 loss of the initial parameters against the fp64 loss
 * (same parameters, same batch), the fp32 gradient against the fp64 one, the fp64 gradient against a central
 * difference along a random direction, the fp32 Hessian-vector product against the fp64 one, and the operator's
 * apply against the direct fp32 product (so {@link #lanczos20} runs on the same batch as {@link #hvp}).
 *
 * <p>{@link #main} turns a JMH JSON result (and optionally the PyTorch reference output of
 * {@code benchmarks/pytorch/train_step.py}) into two markdown tables, the training step in GFLOP/s against PyTorch
 * and the curvature costs in units of the step; see {@code benchmarks/run-cpu.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class TrainStepBench {
    static final int INPUTS = 784, CLASSES = 10;
    static final double FP32_LOSS_RTOL = 1e-3, FP32_GRAD_RTOL = 1e-2, FD_EPS = 1e-6, FD_RTOL = 1e-5;
    /** fp32 vs fp64 Hessian-vector product, relative L2; operator apply vs direct fp32 product, relative L2. */
    static final double FP32_HVP_RTOL = 1e-3, OPERATOR_RTOL = 1e-6;
    /**
     * The same three checks for a backend whose fp32 GEMMs take TF32 inputs ("+tf32", "+cublas-tf32"); a backend with
     * coarser inputs multiplies them by its unit roundoff over TF32's ({@link Backends#gemmInputRounding}): 8 for
     * bf16 inputs ("+cublas-bf16", 2^-8 / 2^-11).
     */
    static final double TF32_LOSS_RTOL = 1e-2, TF32_GRAD_RTOL = 5e-2, TF32_HVP_RTOL = 5e-2;
    static final int LANCZOS_STEPS = 20;
    static final long SEED = 20240601L, LANCZOS_SEED = 20240602L;

    /** "U(1)", "O(k)" or "tanh" (the real baseline). */
    @Param({"U(1)", "O(4)", "tanh"}) public String net;
    @Param("128") public int width;
    @Param("100") public int depth;
    @Param("256") public int batch;
    @Param({"ALG"}) public RadialProfile profile;
    /** Backend name as {@code Backends.open} takes it: cpu, cuda, cuda:N. */
    @Param("cpu") public String backend;
    /**
     * "true": {@link #step} replays forward, loss and backward recorded once ({@code Backend.record}: a CUDA graph
     * with {@code -Dgoldstone.cuda.graphs=true}, else the same work run eagerly), then queues the update, and
     * waits on the previous step's fence instead of reading a loss; {@link #hvp} replays the recorded product the
     * same way.
     */
    @Param("false") public boolean graph;

    private Backend device;
    private FeedForwardNet network;
    private FeedForwardNet.Workspace ws;
    private DeviceBuffer params, grad, direction, hv;
    private Optimizer optimizer;
    private Loss loss;
    private HessianOperator hessian;
    /** {@link #hessian} with its product time counted, on a backend whose memory is the host's; else null. */
    private TimedOperator timedHessian;
    /** The previous step's (deferred) loss, read by the next {@link #step}. */
    private LossOps.Value lastLoss;
    /** With {@link #graph}: the recorded forward, loss and backward, and the previous step's fence. */
    private Replay recorded, recordedHvp;
    private Runnable lastFence;

    @Setup(Level.Trial)
    public void setUp() {
        network = FeedForwardNet.of(spec(net, width, depth, profile));
        device = Backends.open(backend);
        loss = Loss.parse("ce");
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] theta = network.initialParameters(rng.split());
        float[] x = new float[batch * INPUTS];                 // sample-major, standard normal
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(rng);
        }
        int[] classOf = new int[batch];
        double[] labels = new double[batch];
        for (int b = 0; b < batch; b++) {
            classOf[b] = rng.nextInt(CLASSES);
            labels[b] = classOf[b];
        }
        int p = network.paramCount();
        double[] v = new double[p];                            // the HVP direction: N(0, 1), fp32-representable
        SplittableRandom vRng = rng.split();
        for (int i = 0; i < p; i++) {
            v[i] = (float) gaussian(vRng);
        }

        ws = network.workspace(device, DType.F32, batch);
        ws.load(x, labels, batch);
        params = device.allocate(DType.F32, p);
        grad = device.allocate(DType.F32, p);
        direction = device.allocate(DType.F32, p);
        hv = device.allocate(DType.F32, p);
        device.write(params, theta);
        device.write(direction, v);
        int[] all = new int[batch];
        for (int b = 0; b < batch; b++) {
            all[b] = b;
        }
        hessian = HessianOperator.onBatch(network, theta, loss, new Dataset("bench", INPUTS, CLASSES, x.clone(),
                classOf), all, device, DType.F32, 0.0, HessianOperator.Kind.HESSIAN);
        timedHessian = device.hostMemory() ? new TimedOperator(hessian) : null;    // a device run stays a device run
        checkAnswer(theta, v, x, labels, rng.split());
        optimizer = new Optimizer(OptimizerSpec.adam(1e-3), Schedule.constant(), 0.0, device, DType.F32, p);
        if (graph) {
            recorded = device.record(() -> network.lossAndGradient(ws, params, grad, loss, batch));
            System.out.println("# step recorded: " + recorded.how());
            recordedHvp = device.record(() -> network.hessianVector(ws, params, direction, null, hv, loss, batch));
            System.out.println("# hvp recorded: " + recordedHvp.how());
        }
    }

    /**
     * (a) fp32 loss == fp64 loss within {@link #FP32_LOSS_RTOL}, and the fp32 gradient matches the fp64 one within
     * {@link #FP32_GRAD_RTOL} in relative L2 norm; (b) the fp32 Hessian-vector product along v matches the fp64 one
     * within {@link #FP32_HVP_RTOL} in relative L2 norm (one fp64 product: about a second for depth 100), and the
     * fp32 {@link HessianOperator} applied to v matches the direct fp32 product within {@link #OPERATOR_RTOL} (the
     * same computation on the same batch; this first apply also takes the operator past its one-time gradient
     * pass, so the timed applies are all alike); (c) in fp64, the directional derivative of the mean loss along a
     * random direction d, by central difference with step {@link #FD_EPS}, matches grad . d within {@link #FD_RTOL}.
     * d has N(0, 1) components and is not normalized: along a unit d, grad . d ~ |grad| / sqrt(params) (~1e-4
     * here), and the fp64 rounding of the loss difference alone would then reach the 1e-5 tolerance.
     * v: the HVP direction, already in {@link #direction}. x, labels: the batch already loaded into the fp32
     * workspace.
     */
    private void checkAnswer(double[] theta, double[] v, float[] x, double[] labels, SplittableRandom rng) {
        int p = network.paramCount();
        double loss32 = network.lossAndGradient(ws, params, grad, loss, batch).sum();

        FeedForwardNet.Workspace ws64 = network.workspace(device, DType.F64, batch);
        ws64.load(x, labels, batch);
        DeviceBuffer theta64 = device.allocate(DType.F64, p), grad64 = device.allocate(DType.F64, p);
        device.write(theta64, theta);
        double loss64 = network.lossAndGradient(ws64, theta64, grad64, loss, batch).sum();
        double lossErr = Math.abs(loss32 - loss64) / Math.abs(loss64);
        double u = Backends.gemmInputRounding(backend);
        boolean reduced = u > Backends.FP32_ROUNDING;
        double scale = u / Backends.TF32_ROUNDING;          // 1 for TF32 inputs, 8 for bf16 inputs
        double lossTol = reduced ? TF32_LOSS_RTOL * scale : FP32_LOSS_RTOL;
        double gradTol = reduced ? TF32_GRAD_RTOL * scale : FP32_GRAD_RTOL;
        double hvpTol = reduced ? TF32_HVP_RTOL * scale : FP32_HVP_RTOL;
        if (!(lossErr <= lossTol)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: fp32 loss %.9g vs fp64 loss %.9g, rel err"
                    + " %.3g > %.1g", label(), loss32, loss64, lossErr, lossTol));
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
        if (!(gradErr <= gradTol)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: |grad fp32 - grad fp64| / |grad fp64| ="
                    + " %.3g > %.1g (|grad fp64| = %.6g)", label(), gradErr, gradTol, Math.sqrt(ref)));
        }

        network.hessianVector(ws, params, direction, grad, hv, loss, batch);
        DeviceBuffer v64 = device.allocate(DType.F64, p), hv64 = device.allocate(DType.F64, p);
        device.write(v64, v);
        network.hessianVector(ws64, theta64, v64, grad64, hv64, loss, batch);
        double[] h64 = new double[p], h32 = new double[p], hOp = new double[p];
        device.read(hv64, h64);
        device.read(hv, h32);
        double hvpErr = relativeL2(h32, h64), hvpNorm = Math.sqrt(dot(h64, h64));
        if (!(hvpErr < hvpTol)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: |Hv fp32 - Hv fp64| / |Hv fp64| = %.3g"
                    + " >= %.0e (|Hv fp64| = %.6g)", label(), hvpErr, hvpTol, hvpNorm));
        }
        hessian.apply(v, hOp);
        double opErr = relativeL2(hOp, h32);
        if (!(opErr < OPERATOR_RTOL)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: |HessianOperator v - Hv fp32| / |Hv fp32|"
                    + " = %.3g >= %.0e", label(), opErr, OPERATOR_RTOL));
        }
        double rayleigh = dot(v, h64) / dot(v, v);
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
                + " fp64 rel %.2e; fp64 grad.d %.9g vs central diff %.9g (rel %.2e); Hv fp32 vs fp64 rel %.2e"
                + " (|Hv| %.4g, v.Hv/v.v %.4g), operator vs Hv fp32 rel %.1e; fp32 workspace %.1f MiB%n",
                label(), p, loss32, loss64, lossErr, gradErr, analytic, numeric, fdErr, hvpErr, hvpNorm, rayleigh,
                opErr, ws.bytes() / 1048576.0);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** |a - ref| / |ref| in the L2 norm. */
    private static double relativeL2(double[] a, double[] ref) {
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - ref[i]) * (a[i] - ref[i]);
        }
        return Math.sqrt(diff / dot(ref, ref));
    }

    /**
     * One training step: forward, loss, backward and the Adam update, with nothing read back inside the step. The
     * loss of the previous step is read (and returned, so the work is not dead code), so on an accelerator the host
     * queues step i while the device may still run step i - 1, and at most one step is in flight: the average is
     * the steady-state time per step, as in a training loop that logs its loss one step late.
     */
    @Benchmark
    public double step() {
        if (recorded != null) {
            recorded.run();
            optimizer.update(params, grad);
            oneInFlight();
            return optimizer.step();
        }
        LossOps.Value v = network.lossAndGradient(ws, params, grad, loss, batch);
        optimizer.update(params, grad);
        double previous = lastLoss == null ? 0 : lastLoss.sum();
        lastLoss = v;
        return previous;
    }

    /**
     * One exact Hessian-vector product of the mean loss along the fixed direction (Hv written on the device, no
     * gradient asked for, nothing copied to the host); the loss sum is returned so the work is not dead code.
     */
    @Benchmark
    public double hvp() {
        if (recordedHvp != null) {
            recordedHvp.run();
            oneInFlight();
            return 0;
        }
        return network.hessianVector(ws, params, direction, null, hv, loss, batch).sum();
    }

    /** Fences the work queued so far and waits on the previous call's fence: at most one call in flight. */
    private void oneInFlight() {
        Runnable fence = device.fence();
        if (lastFence != null) {
            lastFence.run();
        }
        lastFence = fence;
    }

    /**
     * Twenty Lanczos steps, full reorthogonalization (twice per step against the whole basis), restart on
     * breakdown, Rademacher start from a fixed seed, so every call does the same work: 20 operator applies plus the
     * host-side fp64 vector work and the 20 x 20 tridiagonal eigenproblem. Returns the largest Ritz value.
     * One call costs about 20 {@link #hvp} calls (seconds on two cores), so its iterations are longer than the
     * class default: 2 x 5 s warmup, 5 x 6 s measured (one to three calls per iteration). Command-line -wi/-i/-w/-r
     * override these as usual.
     */
    @Benchmark
    @Warmup(iterations = 2, time = 5)
    @Measurement(iterations = 5, time = 6)
    public double lanczos20(LanczosSplit split) {
        long start = System.nanoTime();
        double[] ritz = Lanczos.run(timedHessian != null ? timedHessian : hessian, LANCZOS_STEPS,
                Reorthogonalization.FULL, new SplittableRandom(LANCZOS_SEED)).ritzValues();
        split.lanczosMs += (System.nanoTime() - start) * 1e-6;
        split.calls++;
        if (timedHessian != null) {
            split.productMs += timedHessian.takeMs();
        }
        return ritz[ritz.length - 1];
    }

    /**
     * Secondary results of {@link #lanczos20}, summed over each measurement iteration (JMH resets the fields): the
     * calls, their milliseconds, and the milliseconds they spent inside the operator's products (backends whose
     * memory is the host's; 0 elsewhere, where a product returns before the device has run it). The report
     * ({@link #main}) divides them per iteration: a call's cost in units of the products made in the same calls, a
     * ratio that a slow phase of a shared machine moves far less than the ratio of two benchmarks run minutes apart.
     * (JMH sums these counters over the iterations in its summary line; the per-iteration values are in the JSON.)
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class LanczosSplit {
        public long calls;
        public double lanczosMs;
        public double productMs;
    }

    /** The operator with the time spent in its products counted (host-memory backends). */
    private static final class TimedOperator implements SymmetricOperator {
        private final SymmetricOperator a;
        private long nanos;

        TimedOperator(SymmetricOperator a) {
            this.a = a;
        }

        double takeMs() {
            double ms = nanos * 1e-6;
            nanos = 0;
            return ms;
        }

        @Override
        public int dimension() {
            return a.dimension();
        }

        @Override
        public void apply(double[] v, double[] out) {
            long t = System.nanoTime();
            a.apply(v, out);
            nanos += System.nanoTime() - t;
        }

        @Override
        public void apply(float[] v, float[] out) {
            long t = System.nanoTime();
            a.apply(v, out);
            nanos += System.nanoTime() - t;
        }

        @Override
        public DType inputPrecision() {
            return a.inputPrecision();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (lastLoss != null) {
            lastLoss.resolve();                        // the last step's work, before the device goes away
        }
        if (lastFence != null) {
            lastFence.run();
        }
        if (recorded != null) {
            recorded.close();
            recordedHvp.close();
        }
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
        return gemmFlops(net, width, depth, batch, 2, 3);
    }

    /**
     * Floating-point operations of one {@link #hvp}, GEMMs only, counted like {@link #flops}. {@code hessianVector}
     * runs per layer the forward GEMM, the forward R-pass (V x and W R{x}), the backward to the input (G_X; no weight
     * gradient is asked for) and the R-backward (R{G_W} = R{G_Y} X^T + G_Y R{X}^T, R{G_X} = V^T G_Y + W^T R{G_Y}):
     * 8 GEMMs of the forward size, against 3 in a training step. The embedding's input does not move (R{x} = 0) and
     * its input gradients are not computed: 3 GEMMs (X W, X V, R{G_W}). flops = 2 * (3 * embed + 8 * (equivariant +
     * readout)), about 8/3 of {@link #flops}.
     */
    public static double hvpFlops(String net, int width, int depth, int batch) {
        return gemmFlops(net, width, depth, batch, 3, 8);
    }

    /** 2 * (embedGemms * embedding MACs + layerGemms * (depth * layer MACs + readout MACs)), MACs as in flops. */
    private static double gemmFlops(String net, int width, int depth, int batch, int embedGemms, int layerGemms) {
        boolean real = net.equalsIgnoreCase("tanh");
        boolean complex = !real && "U(1)".equals(Group.parse(net).label());
        int k = real ? 1 : Group.parse(net).unitDim();
        double embed = (double) INPUTS * width * k * batch;
        double layer = complex ? 4.0 * width * width * batch : (double) width * width * k * batch;
        double readout = (double) width * k * CLASSES * batch;
        return 2.0 * (embedGemms * embed + layerGemms * (depth * layer + readout));
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();   // Box-Muller; u1 in (0, 1]
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** One JMH result: mean and 99.9% half-width in ms/op, and the shape it was measured at. */
    record Score(String net, int width, int depth, int batch, double ms, double err) {
        String shape() {
            return String.format(Locale.ROOT, "%d x %d, %d", width, depth, batch);
        }

        String text() {
            return Double.isFinite(err) ? String.format(Locale.ROOT, "%.1f ± %.1f", ms, err)
                    : String.format(Locale.ROOT, "%.1f", ms);
        }
    }

    /**
     * Prints the markdown tables: {@code TrainStepBench <jmh-result.json> [<pytorch-output.txt>]}.
     * <ol>
     *   <li>The training step: Goldstone ms/step, GFLOP/s ({@link #flops}), PyTorch ms/step and the ratio PyTorch
     *       ms / Goldstone ms (above 1: Goldstone is faster). The PyTorch file holds lines
     *       {@code pytorch <net> <ms> ms/step}.</li>
     *   <li>Curvature, from the same JMH run: step ms, HVP ms and GFLOP/s ({@link #hvpFlops}), HVP / step (the
     *       target is at most 2.5), Lanczos-20 ms, Lanczos-20 / HVP (the target is at most 22), and Lanczos-20 in
     *       units of the products made in the same calls ({@link #ownProducts}, "-" where not measured). Printed
     *       when the result has {@code hvp} or {@code lanczos20} scores; a ratio whose two scores are not both there
     *       is "-".</li>
     * </ol>
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
        // benchmark method -> (net and shape -> score), in the order of the result file
        Map<String, Map<String, Score>> scores = new LinkedHashMap<>();
        for (String method : List.of("step", "hvp", "lanczos20")) {
            scores.put(method, new LinkedHashMap<>());
        }
        Map<String, String> ownProducts = new LinkedHashMap<>();       // from lanczos20's secondary results
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        for (JsonNode r : results) {
            String bench = r.path("benchmark").asText();
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            if (!bench.startsWith(TrainStepBench.class.getName() + ".") || !scores.containsKey(method)) {
                continue;
            }
            JsonNode p = r.path("params");
            JsonNode metric = r.path("primaryMetric");
            if (!metric.path("scoreUnit").asText().equals("ms/op")) {
                throw new IllegalArgumentException(bench + ": expected scoreUnit ms/op, found "
                        + metric.path("scoreUnit"));
            }
            Score s = new Score(p.path("net").asText(), p.path("width").asInt(), p.path("depth").asInt(),
                    p.path("batch").asInt(), metric.path("score").asDouble(), metric.path("scoreError").asDouble());
            String key = s.net() + " " + s.shape() + " " + p.path("profile").asText();
            scores.get(method).put(key, s);
            if (method.equals("lanczos20")) {
                String own = ownProducts(r.path("secondaryMetrics"));
                if (own != null) {
                    ownProducts.put(key, own);
                }
            }
        }

        Map<String, Score> step = scores.get("step"), hvp = scores.get("hvp"), lanczos = scores.get("lanczos20");
        System.out.println("| net | width x depth, batch | Goldstone ms/step | GFLOP/s | PyTorch ms/step | ratio"
                + " (PyTorch/Goldstone) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Score s : step.values()) {
            double gflops = flops(s.net(), s.width(), s.depth(), s.batch()) / (s.ms() * 1e-3) / 1e9;
            Double t = torch.get(s.net());
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %s |%n", s.net(), s.shape(), s.text(), gflops,
                    t == null ? "-" : String.format(Locale.ROOT, "%.1f", t),
                    t == null ? "-" : String.format(Locale.ROOT, "%.2f", t / s.ms()));
        }
        if (hvp.isEmpty() && lanczos.isEmpty()) {
            return;
        }
        Map<String, Score> nets = new LinkedHashMap<>(step);
        hvp.forEach(nets::putIfAbsent);
        lanczos.forEach(nets::putIfAbsent);
        System.out.println();
        System.out.println("| net | width x depth, batch | step ms | HVP ms | HVP GFLOP/s | HVP / step (target <= 2.5)"
                + " | Lanczos-20 ms | Lanczos-20 / HVP (target <= 22) | Lanczos-20 / its own products |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Score> e : nets.entrySet()) {
            Score s = e.getValue(), st = step.get(e.getKey()), h = hvp.get(e.getKey()), l = lanczos.get(e.getKey());
            String hvpGflops = h == null ? "-" : String.format(Locale.ROOT, "%.2f",
                    hvpFlops(h.net(), h.width(), h.depth(), h.batch()) / (h.ms() * 1e-3) / 1e9);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", s.net(), s.shape(),
                    st == null ? "-" : st.text(), h == null ? "-" : h.text(), hvpGflops, ratio(h, st),
                    l == null ? "-" : l.text(), ratio(l, h), ownProducts.getOrDefault(e.getKey(), "-"));
        }
    }

    /**
     * Lanczos-20 in units of its own products, 20 lanczosMs / productMs for each measurement iteration of every
     * fork ({@link LanczosSplit}): "mean (min - max)", or null when the products were not timed.
     */
    static String ownProducts(JsonNode secondary) {
        JsonNode l = secondary.path("lanczosMs").path("rawData"), p = secondary.path("productMs").path("rawData");
        double sum = 0, min = Double.POSITIVE_INFINITY, max = 0;
        int n = 0;
        for (int f = 0; f < l.size(); f++) {
            for (int i = 0; i < l.get(f).size(); i++) {
                double prod = p.path(f).path(i).asDouble();
                if (!(prod > 0)) {
                    return null;
                }
                double r = LANCZOS_STEPS * l.get(f).get(i).asDouble() / prod;
                sum += r;
                min = Math.min(min, r);
                max = Math.max(max, r);
                n++;
            }
        }
        return n == 0 ? null : String.format(Locale.ROOT, "%.2f (%.2f - %.2f)", sum / n, min, max);
    }

    /** a.ms / b.ms to two decimals, or "-" if either is missing. */
    private static String ratio(Score a, Score b) {
        return a == null || b == null ? "-" : String.format(Locale.ROOT, "%.2f", a.ms() / b.ms());
    }
}
