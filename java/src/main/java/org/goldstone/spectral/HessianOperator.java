package org.goldstone.spectral;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.GoldstoneException;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.backend.Replay;
import org.goldstone.data.Dataset;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.HostVectors;

/**
 * The Hessian (or its generalized Gauss-Newton part) of {@code F(theta) = mean loss over a set of samples +
 * (lambda/2) |theta|^2} at fixed parameters, as a matrix-free symmetric operator on fp64 host vectors. Each
 * {@link #apply} runs the network's exact R-operator product (SCIENCE d.1) on the backend, batch by batch, and sums
 * the batches weighted by their sizes. The samples are fixed at construction (one batch, or a whole data set in
 * order), so the operator is deterministic.
 */
public final class HessianOperator implements DeviceOperator {
    /** Which curvature matrix. */
    public enum Kind { HESSIAN, GAUSS_NEWTON }

    private final FeedForwardNet net;
    private final Backend be;
    private final DType dtype;
    private final Loss loss;
    private final Kind kind;
    private final double weightDecay;
    private final double[] theta;
    private final Dataset data;
    private final int[] order;
    private final int batchSize;
    private final FeedForwardNet.Workspace ws;
    private final DeviceBuffer params, vBuf, gBuf, hvBuf;
    private final float[] xb;
    private final double[] yb;
    private long products;
    private double meanLoss = Double.NaN;
    private double[] gradient;
    /** Host scratch for one batch's product (allocated once). */
    private double[] part;
    /** fp64 device copy of one batch's product for {@link #applyOnDevice} (hvBuf itself for fp64). */
    private DeviceBuffer hv64;
    /**
     * With one batch, {@link #applyOnDevice}'s product (vBuf to hvBuf) recorded once ({@code Backend.record}: a CUDA
     * graph with {@code -Dgoldstone.cuda.graphs=true}) and replayed on every apply; the batch is loaded once.
     */
    private Replay oneBatch;

    private HessianOperator(FeedForwardNet net, double[] theta, Loss loss, Dataset data, int[] order, int batchSize,
                            Backend be, DType dtype, double weightDecay, Kind kind) {
        if (theta.length != net.paramCount()) {
            throw new GoldstoneException("Hessian operator: expected " + net.paramCount() + " parameters for "
                    + net.spec().describe() + ", found " + theta.length);
        }
        if (data.features() != net.spec().inputs() || data.classes() != net.spec().classes()) {
            throw new GoldstoneException("Hessian operator: expected data with " + net.spec().inputs()
                    + " features and "
                    + net.spec().classes() + " classes, found " + data.features() + " and " + data.classes());
        }
        if (!(weightDecay >= 0)) {
            throw new GoldstoneException("Hessian operator: expected weight decay >= 0, found " + weightDecay);
        }
        this.net = net;
        this.theta = theta.clone();
        this.loss = loss;
        this.data = data;
        this.order = order;
        this.batchSize = Math.min(batchSize, order.length);
        this.be = be;
        this.dtype = dtype;
        this.weightDecay = weightDecay;
        this.kind = kind;
        this.ws = net.workspace(be, dtype, this.batchSize);
        int p = net.paramCount();
        this.params = be.allocate(dtype, p);
        this.vBuf = be.allocate(dtype, p);
        this.gBuf = be.allocate(dtype, p);
        this.hvBuf = be.allocate(dtype, p);
        be.write(params, this.theta);
        this.xb = new float[this.batchSize * data.features()];
        this.yb = new double[this.batchSize];
    }

    /** The samples {@code indices} of {@code data} as one batch. */
    public static HessianOperator onBatch(FeedForwardNet net, double[] theta, Loss loss, Dataset data, int[] indices,
                                          Backend be, DType dtype, double weightDecay, Kind kind) {
        if (indices.length == 0) {
            throw new GoldstoneException("Hessian operator: expected at least one sample, found none");
        }
        return new HessianOperator(net, theta, loss, data, indices.clone(), indices.length, be, dtype,
                weightDecay, kind);
    }

    /** Every sample of {@code data}, in order, in batches of {@code batchSize}. */
    public static HessianOperator onDataset(FeedForwardNet net, double[] theta, Loss loss, Dataset data, int batchSize,
                                            Backend be, DType dtype, double weightDecay, Kind kind) {
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new HessianOperator(net, theta, loss, data, all, batchSize, be, dtype, weightDecay, kind);
    }

    @Override
    public int dimension() {
        return theta.length;
    }

    /** The device dtype: an fp32 operator rounds every vector it is applied to to fp32. */
    @Override
    public DType inputPrecision() {
        return dtype;
    }

    public Kind kind() {
        return kind;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** The parameters the operator is taken at (a copy). */
    public double[] parameters() {
        return theta.clone();
    }

    /** Operator applications so far (each is one R-operator product per batch). */
    public long products() {
        return products;
    }

    /** Mean loss over the samples plus (lambda/2)|theta|^2 (computed by the first {@link #apply} or gradient call). */
    public double objective() {
        if (gradient == null) {
            gradient();
        }
        return meanLoss;
    }

    /** Gradient of the objective at theta (mean loss plus weight decay). */
    public double[] gradient() {
        if (gradient == null) {
            double[] zero = new double[theta.length];
            double[] out = new double[theta.length];
            run(zero, out, true);
        }
        return gradient.clone();
    }

    @Override
    public void apply(double[] v, double[] out) {
        requireLengths(v.length, out.length);
        run(v, out, gradient == null);
        products++;
    }

    /**
     * As {@link #apply(double[], double[])} on fp32 host vectors. An fp32 operator on one batch, once its gradient is
     * known, runs its product on the arrays themselves where the backend's memory is the host's
     * ({@code Backend.wrap}), or copies v to the device and the product back as they are (no fp64 copies, the batch
     * loaded once and its product replayed, as in {@link #applyOnDevice}); otherwise through the fp64 apply, rounded.
     */
    @Override
    public void apply(float[] v, float[] out) {
        requireLengths(v.length, out.length);
        if (dtype != DType.F32 || batchSize < order.length || gradient == null) {
            DeviceOperator.super.apply(v, out);
            return;
        }
        Replay loaded = oneBatch();
        DeviceBuffer vHost = be.wrap(v), outHost = be.wrap(out);
        if (vHost != null && outHost != null) {
            product(order.length, vHost, outHost);       // host memory: the product reads v and writes out in place
        } else {
            be.write(vBuf, v, 0);
            loaded.run();
            be.read(hvBuf, out);
        }
        if (weightDecay != 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] + weightDecay * v[i]);
            }
        }
        int bad = HostVectors.firstNonFinite(out);
        if (bad >= 0) {
            throw nonFinite(bad);
        }
        products++;
    }

    private void requireLengths(int v, int out) {
        if (v != theta.length || out != theta.length) {
            throw new GoldstoneException("Hessian operator: expected vectors of " + theta.length + ", found "
                    + v + " and " + out);
        }
    }

    private GoldstoneException nonFinite(int at) {
        return new GoldstoneException("Hessian operator: non-finite product at parameter " + at + " ("
                + net.layers().get(net.layerOf(at)).name() + ")");
    }

    /** The whole sample set as one loaded batch, its product (vBuf to hvBuf) recorded on first use. */
    private Replay oneBatch() {
        if (oneBatch == null) {
            int n = order.length;
            data.gather(order, 0, n, xb, yb);
            ws.load(xb, yb, n);                          // stays: the host path reloads the same batch
            oneBatch = be.record(() -> product(n));
        }
        return oneBatch;
    }

    private void run(double[] v, double[] out, boolean collectGradient) {
        be.write(vBuf, v);
        int n = order.length;
        if (batchSize < n) {
            java.util.Arrays.fill(out, 0.0);                    // several batches add into out
        }
        if (part == null) {
            part = new double[theta.length];
        }
        double[] gsum = collectGradient ? new double[theta.length] : null;
        double lossSum = 0;
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize), b = to - from;
            data.gather(order, from, to, xb, yb);
            ws.load(xb, yb, b);
            if (kind == Kind.HESSIAN || collectGradient) {
                LossOps.Value value = net.hessianVector(ws, params, vBuf, collectGradient ? gBuf : null, hvBuf,
                        loss, b);
                lossSum += value.sum();
                if (collectGradient) {
                    be.read(gBuf, part);
                    for (int i = 0; i < part.length; i++) {
                        gsum[i] += part[i] * b / n;
                    }
                }
            }
            if (kind == Kind.GAUSS_NEWTON) {
                net.gaussNewtonVector(ws, params, vBuf, hvBuf, loss, b);
            }
            if (b == n) {
                be.read(hvBuf, out);                             // one batch: it is the mean already
            } else {
                be.read(hvBuf, part);
                for (int i = 0; i < part.length; i++) {
                    out[i] += part[i] * b / n;                  // mean over all samples
                }
            }
        }
        if (weightDecay != 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] += weightDecay * v[i];
            }
        }
        int bad = Vectors.firstNonFinite(out);
        if (bad >= 0) {
            throw nonFinite(bad);
        }
        if (collectGradient) {
            double sq = 0;
            for (int i = 0; i < gsum.length; i++) {
                gsum[i] += weightDecay * theta[i];
                sq += theta[i] * theta[i];
            }
            gradient = gsum;
            meanLoss = lossSum / n + 0.5 * weightDecay * sq;
        }
    }

    @Override
    public Backend backend() {
        return be;
    }

    /**
     * {@link #apply} on fp64 device buffers: the direction is converted to the operator's dtype on the device, each
     * batch's product is converted back and summed in fp64 on the device; only the batch inputs cross from the host.
     */
    @Override
    public void applyOnDevice(DeviceBuffer v, DeviceBuffer out) {
        if (v.length() != theta.length || out.length() != theta.length || v.dtype() != DType.F64
                || out.dtype() != DType.F64) {
            throw new GoldstoneException("Hessian operator: expected F64 device vectors of " + theta.length
                    + ", found " + v.dtype() + "[" + v.length() + "] and " + out.dtype() + "[" + out.length() + "]");
        }
        be.reduce().copy(v, vBuf);
        be.reduce().fill(out, 0.0);
        if (hv64 == null) {
            hv64 = dtype == DType.F64 ? hvBuf : be.allocate(DType.F64, theta.length);
        }
        int n = order.length;
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize), b = to - from;
            if (b == n) {                                        // one batch: loaded once, its product replayed
                oneBatch().run();
            } else {
                data.gather(order, from, to, xb, yb);
                ws.load(xb, yb, b);
                product(b);
            }
            if (hv64 != hvBuf) {
                be.reduce().copy(hvBuf, hv64);
            }
            be.reduce().axpyInPlace((double) b / n, hv64, out);
        }
        be.reduce().axpyInPlace(weightDecay, v, out);
        int bad = be.reduce().firstNonFinite(out);
        if (bad >= 0) {
            throw nonFinite(bad);
        }
        products++;
    }

    /** The product of the loaded batch of b samples along vBuf, into hvBuf (device work only). */
    private void product(int b) {
        product(b, vBuf, hvBuf);
    }

    /** The product of the loaded batch of b samples along v, into out. */
    private void product(int b, DeviceBuffer v, DeviceBuffer out) {
        if (kind == Kind.HESSIAN) {
            net.hessianVector(ws, params, v, null, out, loss, b);
        } else {
            net.gaussNewtonVector(ws, params, v, out, loss, b);
        }
    }

    /** The operator's action on each of several vectors (one row per vector). */
    public List<double[]> applyAll(List<double[]> vectors) {
        List<double[]> out = new ArrayList<>();
        for (double[] v : vectors) {
            double[] r = new double[v.length];
            apply(v, r);
            out.add(r);
        }
        return out;
    }
}
