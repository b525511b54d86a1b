package org.goldstone.spectral;

import org.goldstone.tensor.DType;

/**
 * A real symmetric linear operator on R^P, applied matrix-free: the loss Hessian, its Gauss-Newton part, or a test
 * matrix. Vectors are fp64 host arrays (the estimators keep their bookkeeping in fp64 whatever the device dtype).
 */
public interface SymmetricOperator {
    /** P, the dimension. */
    int dimension();

    /** {@code out = A v}. v: read. out: modified (never aliases v). */
    void apply(double[] v, double[] out);

    /**
     * {@code out = A v} on fp32 host vectors, for an operator whose {@link #inputPrecision} is fp32 (its products are
     * fp32 data anyway): the estimators that keep fp32 vectors call this. Default: widens v, runs
     * {@link #apply(double[], double[])} and rounds the product to fp32. v: read. out: modified (never aliases v).
     */
    default void apply(float[] v, float[] out) {
        double[] v64 = new double[v.length], out64 = new double[out.length];
        for (int i = 0; i < v.length; i++) {
            v64[i] = v[i];
        }
        apply(v64, out64);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) out64[i];
        }
    }

    /**
     * The precision the operator rounds its input to before applying: {@link DType#F32} lets an estimator keep the
     * vectors it applies in fp32 (Lanczos stores its basis so) without changing any product. Default: fp64.
     */
    default DType inputPrecision() {
        return DType.F64;
    }
}
