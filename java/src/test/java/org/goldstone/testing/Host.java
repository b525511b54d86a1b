package org.goldstone.testing;

import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.tensor.DType;

/** Test helper: runs a network on host arrays through the fp64 CPU backend. */
public final class Host {
    private Host() {
    }

    public static double[] gaussian(int n, SplittableRandom rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
            x[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }
        return x;
    }

    /** The values rounded to fp32, as doubles (inputs both precisions see identically). */
    public static double[] toDoubleOfFloat(double[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = (float) x[i];
        }
        return d;
    }

    public static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    /** A loaded problem: network, inputs, labels, fp64 backend. */
    public static final class Problem implements AutoCloseable {
        public final FeedForwardNet net;
        public final Backend backend = new CpuBackend(2);
        public final FeedForwardNet.Workspace ws;
        public final Loss loss;
        public final int batch;
        private final DeviceBuffer params, grad;

        public Problem(FeedForwardNet net, double[] x, double[] labels, Loss loss) {
            this.net = net;
            this.loss = loss;
            this.batch = labels.length;
            this.ws = net.workspace(backend, DType.F64, batch);
            this.params = backend.allocate(DType.F64, net.paramCount());
            this.grad = backend.allocate(DType.F64, net.paramCount());
            ws.load(toFloat(x), labels, batch);
            // loading through float would round the inputs; write the exact doubles instead
            backend.write(ws.activation(0, batch), x);
        }

        /** Mean loss at theta. */
        public double loss(double[] theta) {
            backend.write(params, theta);
            return net.evaluate(ws, params, loss, batch).sum() / batch;
        }

        /** Gradient of the mean loss at theta. */
        public double[] gradient(double[] theta) {
            backend.write(params, theta);
            net.lossAndGradient(ws, params, grad, loss, batch);
            double[] g = new double[theta.length];
            backend.read(grad, g);
            return g;
        }

        /** Exact Hessian-vector product of the mean loss at theta (R-operator). */
        public double[] hessianVector(double[] theta, double[] v) {
            backend.write(params, theta);
            DeviceBuffer vb = backend.allocate(DType.F64, v.length), hv = backend.allocate(DType.F64, v.length);
            backend.write(vb, v);
            net.hessianVector(ws, params, vb, null, hv, loss, batch);      // no gradient asked for
            double[] out = new double[v.length];
            backend.read(hv, out);
            return out;
        }

        /** Gauss-Newton product of the mean loss at theta. */
        public double[] gaussNewtonVector(double[] theta, double[] v) {
            backend.write(params, theta);
            DeviceBuffer vb = backend.allocate(DType.F64, v.length), out = backend.allocate(DType.F64, v.length);
            backend.write(vb, v);
            net.gaussNewtonVector(ws, params, vb, out, loss, batch);
            double[] r = new double[v.length];
            backend.read(out, r);
            return r;
        }

        /** Output of level `level` (0 = input) at theta. */
        public double[] activation(double[] theta, int level) {
            backend.write(params, theta);
            net.forward(ws, params, batch);
            DeviceBuffer a = ws.activation(level, batch);
            double[] out = new double[a.length()];
            backend.read(a, out);
            return out;
        }

        @Override
        public void close() {
            backend.close();
        }
    }
}
