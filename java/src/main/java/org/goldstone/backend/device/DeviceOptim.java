package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.OptimOps;

/**
 * Launchers of the optim family ({@code optim.cu}, {@code optim.cl}; the definition is {@code CpuOptim}). Adam's
 * bias corrections and decay factor are computed here once per update, in double, exactly as the twin computes them.
 */
public final class DeviceOptim implements OptimOps {
    private static final int THREADS = 256;

    private final Kernels be;

    public DeviceOptim(Kernels be) {
        this.be = be;
    }

    @Override
    public void sgd(DeviceBuffer theta, DeviceBuffer g, double lr) {
        same("sgd", theta, g, "g");
        be.kernel("optim_sgd", theta.dtype())
                .buf(theta)                                // T* theta
                .buf(g)                                    // const T* g
                .i(theta.length())                         // int n
                .d(lr)                                     // double lr
                .over(theta.length(), THREADS)
                .run();
    }

    @Override
    public void momentum(DeviceBuffer theta, DeviceBuffer g, DeviceBuffer v, double lr, double mu, boolean nesterov) {
        same("momentum", theta, g, "g");
        same("momentum", theta, v, "v");
        be.kernel("optim_momentum", theta.dtype())
                .buf(theta)                                // T* theta
                .buf(g)                                    // const T* g
                .buf(v)                                    // T* v
                .i(theta.length())                         // int n
                .d(lr)                                     // double lr
                .d(mu)                                     // double mu
                .i(nesterov ? 1 : 0)                       // int nesterov
                .over(theta.length(), THREADS)
                .run();
    }

    @Override
    public void adam(DeviceBuffer theta, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, double lr, double beta1,
                     double beta2, double eps, long t, double decoupledDecay) {
        same("adam", theta, g, "g");
        same("adam", theta, m, "m");
        same("adam", theta, v, "v");
        if (t < 1) {
            throw new BackendException("adam: expected step t >= 1, found " + t);
        }
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        double keep = 1 - lr * decoupledDecay;
        be.kernel("optim_adam", theta.dtype())
                .buf(theta)                                // T* theta
                .buf(g)                                    // const T* g
                .buf(m)                                    // T* m
                .buf(v)                                    // T* v
                .i(theta.length())                         // int n
                .d(lr)                                     // double lr
                .d(beta1)                                  // double beta1
                .d(beta2)                                  // double beta2
                .d(eps)                                    // double eps
                .d(c1)                                     // double c1
                .d(c2)                                     // double c2
                .d(keep)                                   // double keep
                .over(theta.length(), THREADS)
                .run();
    }

    /** Equal length as in the twin; one dtype, because each kernel takes one element type. */
    private static void same(String op, DeviceBuffer theta, DeviceBuffer b, String name) {
        if (theta.length() != b.length()) {
            throw new BackendException("optim: expected buffers of equal length, found " + theta.length() + " and "
                    + b.length());
        }
        if (theta.dtype() != b.dtype()) {
            throw new BackendException("optim " + op + ": expected " + name + " in " + theta.dtype()
                    + " (the dtype of theta), found " + b.dtype());
        }
    }
}
