package org.goldstone.loss;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;

/** Squared error against one-hot targets: L = 1/2 |o - onehot(y)|^2; G_o = o - onehot(y) (SCIENCE d.1). */
public record MeanSquaredError() implements Loss {
    @Override
    public String label() {
        return "mse";
    }

    @Override
    public LossOps.Value apply(Backend be, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes,
                               int batch, double scale) {
        return be.loss().meanSquaredError(logits, labels, grad, classes, batch, scale);
    }

    @Override
    public void rop(Backend be, DeviceBuffer logits, DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch,
                    double scale) {
        be.loss().meanSquaredErrorRop(rLogits, rGrad, classes, batch, scale);
    }
}
