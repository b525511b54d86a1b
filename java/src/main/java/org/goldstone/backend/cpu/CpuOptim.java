package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.OptimOps;

/**
 * Reference for {@link OptimOps}: one fused loop per update, arithmetic in double, stored in the buffer dtype.
 * fp32 buffers take the same loop over the raw arrays, split over the worker threads (elementwise, so the result
 * does not depend on the split).
 */
final class CpuOptim implements OptimOps {
    private final Parallel parallel;

    CpuOptim(Parallel parallel) {
        this.parallel = parallel;
    }
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
        if (theta instanceof CpuBuffer.F32 && g instanceof CpuBuffer.F32 && m instanceof CpuBuffer.F32
                && v instanceof CpuBuffer.F32) {
            float[] th = ((CpuBuffer.F32) theta).a, ga = ((CpuBuffer.F32) g).a;
            float[] ma = ((CpuBuffer.F32) m).a, va = ((CpuBuffer.F32) v).a;
            int ot = theta.offset, og = g.offset, om = m.offset, ov = v.offset;
            double keep = 1 - lr * decoupledDecay;
            parallel.forRange(theta.length(), 4096, 1 << 16, (from, to) -> {
                for (int i = from; i < to; i++) {
                    double gi = ga[og + i];
                    double mi = beta1 * ma[om + i] + (1 - beta1) * gi;
                    double vi = beta2 * va[ov + i] + (1 - beta2) * gi * gi;
                    ma[om + i] = (float) mi;
                    va[ov + i] = (float) vi;
                    th[ot + i] = (float) (th[ot + i] * keep - lr * (mi / c1) / (Math.sqrt(vi / c2) + eps));
                }
            });
            return;
        }
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
