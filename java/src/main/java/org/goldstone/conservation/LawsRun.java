package org.goldstone.conservation;

import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.optim.Optimizer;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;

/**
 * The Neural-Mechanics experiment of SCIENCE g.14 as a library call: N Gaussian inputs with random binary labels,
 * softmax cross-entropy, minibatches drawn from a fresh permutation each epoch (last partial batch dropped), weight
 * decay added to the gradient, the engine's fp64 CPU optimizer, every step fed to a {@link ConservationMonitor}.
 */
public final class LawsRun {
    private LawsRun() {
    }

    /**
     * Trains {@code net} for {@code steps} minibatch steps on N Gaussian inputs with random binary labels (seeded)
     * and returns the monitor that observed every step.
     */
    public static ConservationMonitor train(FeedForwardNet net, OptimizerSpec opt, double lambda, int steps, int n,
                                     int batch, SplittableRandom rng) {
        int d = net.spec().inputs(), p = net.paramCount();
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(2);
        }
        ConservationMonitor monitor = ConservationMonitor.of(net, true, opt, lambda);
        Loss loss = Loss.parse("ce");
        try (Backend be = new CpuBackend(1)) {
            FeedForwardNet.Workspace ws = net.workspace(be, DType.F64, batch);
            DeviceBuffer params = be.allocate(DType.F64, p), grad = be.allocate(DType.F64, p);
            be.write(params, net.initialParameters(rng));
            Optimizer optimizer = new Optimizer(opt, Schedule.constant(), 0.0, be, DType.F64, p);
            int[] order = new int[n];
            double[] xb = new double[batch * d], yb = new double[batch];
            double[] before = new double[p], g = new double[p], after = new double[p];
            int perEpoch = n / batch;
            for (int step = 0; step < steps; step++) {
                if (step % perEpoch == 0) {
                    permute(order, rng);
                }
                int from = (step % perEpoch) * batch;
                for (int b = 0; b < batch; b++) {
                    int s = order[from + b];
                    System.arraycopy(x, s * d, xb, b * d, d);
                    yb[b] = y[s];
                }
                float[] xf = new float[xb.length];
                for (int i = 0; i < xb.length; i++) {
                    xf[i] = (float) xb[i];
                }
                ws.load(xf, yb, batch);
                be.write(ws.activation(0, batch), xb);                 // exact doubles, not the fp32 copy
                net.lossAndGradient(ws, params, grad, loss, batch);
                be.reduce().axpyInPlace(lambda, params, grad);          // objective gradient g + lambda theta
                be.read(params, before);
                be.read(grad, g);
                optimizer.update(params, grad, be.reduce().sumSquares(grad));
                be.read(params, after);
                monitor.observe(before, g, after);
            }
        }
        return monitor;
    }

    private static void permute(int[] order, SplittableRandom rng) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** One line per symmetry set: the largest deviations from the exact and the continuous predictions. */
    public static String describe(Deviation dv) {
        return String.format(java.util.Locale.ROOT, "%s %s: exact %.3e, NM %.3e (max|charge| %.3e, magnitude %.3e)",
                dv.set().kind(), dv.set().name(), dv.maxExactError(), dv.maxContinuousError(), dv.maxAbsCharge(),
                dv.maxMagnitude());
    }

    public static String describeAll(Iterable<Deviation> all) {
        StringBuilder sb = new StringBuilder();
        for (Deviation dv : all) {
            sb.append("\n  ").append(describe(dv));
        }
        return sb.toString();
    }
}
