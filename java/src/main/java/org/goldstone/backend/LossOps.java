package org.goldstone.backend;

/**
 * Loss heads on logits {@code o} stored column-major {@code classes x batch} (one column per sample).
 * Both return the summed loss over the batch and write the gradient of {@code scale * sum} into {@code grad}.
 */
public interface LossOps {
    /** Summed loss and number of samples whose argmax equals the label. */
    record Value(double sum, long correct) { }

    /**
     * Softmax cross-entropy: {@code L_b = logsumexp(o_b) - o_b[y_b]}, {@code G_o = scale (p - onehot)}.
     * labels: class indices stored as numbers (read). logits: read. grad: modified.
     */
    Value softmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad,
                              int classes, int batch, double scale);

    /**
     * Mean squared error against one-hot targets: {@code L_b = 1/2 |o_b - onehot(y_b)|^2},
     * {@code G_o = scale (o - onehot)}. logits, labels: read. grad: modified.
     */
    Value meanSquaredError(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad,
                           int classes, int batch, double scale);

    /**
     * R-operator of the cross-entropy gradient (SCIENCE d.1): {@code R{G_o} = scale (p * R{o} - p (p . R{o}))}
     * per sample, p = softmax(o). This is also the loss-head Hessian applied to R{o} (Gauss-Newton product).
     * logits, rLogits: read. rGrad: modified.
     */
    void softmaxCrossEntropyRop(DeviceBuffer logits, DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch,
                                double scale);

    /** R-operator of the squared-error gradient: {@code R{G_o} = scale R{o}}. rLogits: read. rGrad: modified. */
    void meanSquaredErrorRop(DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch, double scale);
}
