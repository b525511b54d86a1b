package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.OptimOps;

/** Reference for {@link OptimOps}: one fused loop per update, arithmetic in double, stored in the buffer dtype. */
final class CpuOptim implements OptimOps {
    @Override
    public void sgd(DeviceBuffer thetaBuf, DeviceBuffer gBuf, double lr) {
        CpuBuffer theta = CpuBuffer.of(thetaBuf), g = CpuBuffer.of(gBuf);
        same(theta, g);
        for (int i = 0; i < theta.length(); i++) {
            theta.set(i, theta.get(i) - lr * g.get(i));
        }
    }

    @Override
    public void momentum(DeviceBuffer thetaBuf, DeviceBuffer gBuf, DeviceBuffer vBuf, double lr, double mu,
                         boolean nesterov) {
        CpuBuffer theta = CpuBuffer.of(thetaBuf), g = CpuBuffer.of(gBuf), v = CpuBuffer.of(vBuf);
        same(theta, g);
        same(theta, v);
        for (int i = 0; i < theta.length(); i++) {
            double gi = g.get(i);
            double vi = mu * v.get(i) + gi;
            v.set(i, vi);
            theta.set(i, theta.get(i) - lr * (nesterov ? gi + mu * vi : vi));
        }
    }

    @Override
    public void adam(DeviceBuffer thetaBuf, DeviceBuffer gBuf, DeviceBuffer mBuf, DeviceBuffer vBuf, double lr,
                     double beta1, double beta2, double eps, long t, double decoupledDecay) {
        CpuBuffer theta = CpuBuffer.of(thetaBuf), g = CpuBuffer.of(gBuf);
        CpuBuffer m = CpuBuffer.of(mBuf), v = CpuBuffer.of(vBuf);
        same(theta, g);
        same(theta, m);
        same(theta, v);
        if (t < 1) {
            throw new BackendException("adam: expected step t >= 1, found " + t);
        }
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < theta.length(); i++) {
            double gi = g.get(i);
            double mi = beta1 * m.get(i) + (1 - beta1) * gi;
            double vi = beta2 * v.get(i) + (1 - beta2) * gi * gi;
            m.set(i, mi);
            v.set(i, vi);
            double th = theta.get(i) * (1 - lr * decoupledDecay);
            theta.set(i, th - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
        }
    }

    private static void same(CpuBuffer a, CpuBuffer b) {
        if (a.length() != b.length()) {
            throw new BackendException("optim: expected buffers of equal length, found " + a.length() + " and "
                    + b.length());
        }
    }
}
