package org.goldstone.backend;

import org.goldstone.layer.Activation;

/**
 * Elementwise pieces of the non-equivariant layers: bias broadcast, real activations, layer normalization.
 * Matrices are column-major {@code rows x cols} (a column is one sample).
 */
public interface PointwiseOps {
    /** {@code y[i, c] += bias[i]}. bias: read. y: modified. */
    void addBiasInPlace(DeviceBuffer y, DeviceBuffer bias, int rows, int cols);

    /** {@code gb[i] (+)= sum_c gy[i, c]}; {@code beta} 0 overwrites, 1 accumulates. gy: read. gb: modified. */
    void sumColumns(DeviceBuffer gy, DeviceBuffer gb, int rows, int cols, double beta);

    /** {@code z = act(y)}. y: read. z: modified. */
    void activationForward(Activation act, DeviceBuffer y, DeviceBuffer z, int elements);

    /** {@code gy = act'(y) gz}, with z = act(y) from the forward pass. y, z, gz: read. gy: modified (may alias gz). */
    void activationBackward(Activation act, DeviceBuffer y, DeviceBuffer z, DeviceBuffer gz, DeviceBuffer gy,
                            int elements);

    /**
     * R-operator of {@link #activationBackward}: {@code R{gy} = act'(y) R{gz} + act''(y) R{y} gz}, with
     * z = act(y). The forward R-pass {@code R{z} = act'(y) R{y}} is {@link #activationBackward} applied to R{y}.
     * y, z, ry, gz, rgz: read. rgy: modified.
     */
    void activationRopBackward(Activation act, DeviceBuffer y, DeviceBuffer z, DeviceBuffer ry, DeviceBuffer gz,
                               DeviceBuffer rgz, DeviceBuffer rgy, int elements);

    /**
     * Layer normalization per column: {@code z = gamma * (y - mean) / sqrt(var + eps) + beta}, mean and the
     * biased variance over the {@code rows} features. y, gamma, beta: read. z: modified.
     */
    void layerNormForward(DeviceBuffer y, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer z,
                          int rows, int cols, double eps);

    /**
     * Backward of {@link #layerNormForward}: overwrites gy, ggamma and gbeta. y, gamma, gz: read.
     * gy, ggamma, gbeta: modified.
     */
    void layerNormBackward(DeviceBuffer y, DeviceBuffer gamma, DeviceBuffer gz, DeviceBuffer gy,
                           DeviceBuffer ggamma, DeviceBuffer gbeta, int rows, int cols, double eps);

    /**
     * Forward R-pass of {@link #layerNormForward} along R{y} and the parameter directions (v_gamma, v_beta):
     * {@code R{z} = v_gamma xhat + gamma R{xhat} + v_beta}, {@code R{xhat} = inv (R{y} - mean R{y}) - xhat inv^2
     * mean(d R{d})} with d = y - mean, inv = (var + eps)^(-1/2). y, ry, gamma, vGamma, vBeta: read. rz: modified.
     */
    void layerNormForwardR(DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gamma, DeviceBuffer vGamma,
                           DeviceBuffer vBeta, DeviceBuffer rz, int rows, int cols, double eps);

    /**
     * Backward R-pass of {@link #layerNormBackward}: from G_z and R{G_z} it writes R{G_y}, R{G_gamma} and
     * R{G_beta} (overwritten). y, ry, gamma, vGamma, gz, rgz: read. rgy, rgGamma, rgBeta: modified.
     */
    void layerNormBackwardR(DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gamma, DeviceBuffer vGamma, DeviceBuffer gz,
                            DeviceBuffer rgz, DeviceBuffer rgy, DeviceBuffer rgGamma, DeviceBuffer rgBeta, int rows,
                            int cols, double eps);
}
