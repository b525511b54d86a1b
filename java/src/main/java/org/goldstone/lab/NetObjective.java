package org.goldstone.lab;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.data.Dataset;
import org.goldstone.loss.Loss;
import org.goldstone.minimize.Objective;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.tensor.DType;

/**
 * F(theta) = mean loss of a network over a whole (small) data set, one batch, in fp64, plus (lambda/2)|theta|^2,
 * optionally at shifted parameters theta + theta0 (syre, SCIENCE f.5: F = L(theta + theta0) + lambda/2 |theta|^2),
 * with its exact gradient and Hessian-vector product through the backend.
 */
public final class NetObjective implements Objective {
    private final FeedForwardNet net;
    private final Backend be;
    private final Loss loss;
    private final double lambda;
    private final double[] shift;
    private final int n;
    private final FeedForwardNet.Workspace ws;
    private final DeviceBuffer params, grad, vBuf, hvBuf;

    public NetObjective(FeedForwardNet net, Dataset data, Loss loss, double lambda, double[] shift, Backend be) {
        this.net = net;
        this.be = be;
        this.loss = loss;
        this.lambda = lambda;
        this.shift = shift == null ? new double[net.paramCount()] : shift.clone();
        this.n = data.size();
        this.ws = net.workspace(be, DType.F64, n);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        float[] x = new float[n * data.features()];
        double[] y = new double[n];
        data.gather(all, 0, n, x, y);
        ws.load(x, y, n);
        int p = net.paramCount();
        params = be.allocate(DType.F64, p);
        grad = be.allocate(DType.F64, p);
        vBuf = be.allocate(DType.F64, p);
        hvBuf = be.allocate(DType.F64, p);
    }

    public FeedForwardNet network() {
        return net;
    }

    public double lambda() {
        return lambda;
    }

    @Override
    public int dimension() {
        return net.paramCount();
    }

    private void load(double[] theta) {
        double[] shifted = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            shifted[i] = theta[i] + shift[i];
        }
        be.write(params, shifted);
    }

    @Override
    public double valueAndGradient(double[] theta, double[] gradient) {
        load(theta);
        double sum = net.lossAndGradient(ws, params, grad, loss, n).sum();
        be.read(grad, gradient);
        double sq = 0;
        for (int i = 0; i < theta.length; i++) {
            gradient[i] += lambda * theta[i];
            sq += theta[i] * theta[i];
        }
        return sum / n + 0.5 * lambda * sq;
    }

    @Override
    public void hessianVector(double[] theta, double[] v, double[] out) {
        load(theta);
        be.write(vBuf, v);
        net.hessianVector(ws, params, vBuf, grad, hvBuf, loss, n);
        be.read(hvBuf, out);
        for (int i = 0; i < v.length; i++) {
            out[i] += lambda * v[i];
        }
    }
}
