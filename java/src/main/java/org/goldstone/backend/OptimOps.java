package org.goldstone.backend;

/**
 * Fused optimizer updates over the flat parameter vector. {@code g} is the gradient of the objective (it already
 * contains any L2 term); {@code decoupledDecay} is AdamW's decay, applied as {@code theta -= lr * decay * theta}.
 */
public interface OptimOps {
    /** Plain SGD: {@code theta -= lr g}. g: read. theta: modified. */
    void sgd(DeviceBuffer theta, DeviceBuffer g, double lr);

    /**
     * Heavy-ball momentum (PyTorch convention): {@code v = mu v + g}; {@code theta -= lr v}, or with Nesterov
     * {@code theta -= lr (g + mu v)}. g: read. theta, v: modified.
     */
    void momentum(DeviceBuffer theta, DeviceBuffer g, DeviceBuffer v, double lr, double mu, boolean nesterov);

    /**
     * Adam (Kingma and Ba 2015, Algorithm 1) with bias correction at step {@code t >= 1}; with
     * {@code decoupledDecay > 0} it is AdamW (Loshchilov and Hutter 2019): {@code theta -= lr decay theta} first.
     * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; theta -= lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}.
     * g: read. theta, m, v: modified.
     */
    void adam(DeviceBuffer theta, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, double lr,
              double beta1, double beta2, double eps, long t, double decoupledDecay);
}
