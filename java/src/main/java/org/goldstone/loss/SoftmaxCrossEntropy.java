package org.goldstone.loss;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;

/** Softmax cross-entropy: L = logsumexp(o) - o_y; G_o = p - onehot(y) (SCIENCE d.1). */
public record SoftmaxCrossEntropy() implements Loss {
    @Override
    public String label() {
        return "ce";
    }

    @Override
    public LossOps.Value apply(Backend be, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes,
                               int batch, double scale) {
        return be.loss().softmaxCrossEntropy(logits, labels, grad, classes, batch, scale);
    }

    @Override
    public void rop(Backend be, DeviceBuffer logits, DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch,
                    double scale) {
        be.loss().softmaxCrossEntropyRop(logits, rLogits, rGrad, classes, batch, scale);
    }
}
