package org.goldstone.loss;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;

/**
 * A loss head on the logits (classes x batch, column-major). {@link #apply} returns the summed loss and writes
 * the gradient of {@code scale * sum} (callers pass scale = 1/batch for the mean).
 */
public sealed interface Loss permits SoftmaxCrossEntropy, MeanSquaredError {
    String label();

    LossOps.Value apply(Backend backend, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes,
                        int batch, double scale);

    /** R{G_o}: the loss-head Hessian applied to R{o} (scaled like {@link #apply}). rGrad: modified. */
    void rop(Backend backend, DeviceBuffer logits, DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch,
             double scale);

    /** "ce" / "xent" / "cross-entropy" or "mse". */
    static Loss parse(String text) {
        switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ce": case "xent": case "cross-entropy": case "cross_entropy": case "softmax":
                return new SoftmaxCrossEntropy();
            case "mse":
                return new MeanSquaredError();
            default:
                throw new IllegalArgumentException("loss: expected ce or mse, found '" + text + "'");
        }
    }
}
