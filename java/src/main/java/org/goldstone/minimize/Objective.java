package org.goldstone.minimize;

/**
 * A smooth objective F: R^P -> R given as a black box: value, gradient and exact Hessian-vector product (for a
 * network, the Pearlmutter R-operator of SCIENCE d.1). Implementations must be deterministic: the same theta gives
 * bit-identical results, since the minimizers compare values near rounding level.
 */
public interface Objective {
    /** P, the number of parameters. */
    int dimension();

    /** F(theta). theta: read. The default evaluates the gradient too and discards it. */
    default double value(double[] theta) {
        return valueAndGradient(theta, new double[dimension()]);
    }

    /** Returns F(theta) and writes the gradient. theta: read. gradient: modified (never aliases theta). */
    double valueAndGradient(double[] theta, double[] gradient);

    /**
     * {@code out = H(theta) v}, the exact Hessian-vector product. theta, v: read. out: modified (never aliases theta
     * or v). May be slow; {@link DenseHessian#assemble} calls it P times.
     */
    void hessianVector(double[] theta, double[] v, double[] out);
}
