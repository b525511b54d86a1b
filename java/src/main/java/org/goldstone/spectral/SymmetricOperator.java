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
     * The precision the operator rounds its input to before applying: {@link DType#F32} lets an estimator keep the
     * vectors it applies in fp32 (Lanczos stores its basis so) without changing any product. Default: fp64.
     */
    default DType inputPrecision() {
        return DType.F64;
    }
}
