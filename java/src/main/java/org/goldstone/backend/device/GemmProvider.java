package org.goldstone.backend.device;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.layer.Radial;
import org.goldstone.tensor.DType;

/**
 * A second GEMM provider (cuBLAS) that takes over every {@code equiv_linear} pass of {@link DeviceEquivLinear} after
 * its validation: the comparison path and speed reference of the equivariant matmul.
 */
public interface GemmProvider {
    /**
     * The unit width {@code k} that asks the fused methods for the U(1) block form's units: a channel's Re and Im in
     * adjacent rows of the GEMM's result, stored in the k = 2 unit layout ({@code kernels/cuda/tc_epilogue.h},
     * UNIT_ROW_PAIRS).
     */
    int ROW_PAIRS = -2;

    /** {@code C = alpha op(A) op(B) + beta C} on views given as (buffer, element offset, leading dimension). */
    void gemm(DType dt, boolean transA, boolean transB, int m, int n, int kk, double alpha, DeviceBuffer a, long aOff,
              int lda, DeviceBuffer b, long bOff, int ldb, double beta, DeviceBuffer c, long cOff, int ldc);

    /** As {@code EquivLinearOps.complexForward}. */
    void complexForward(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta,
                        DeviceBuffer y);

    /** As {@code EquivLinearOps.complexBackwardData}. */
    void complexBackwardData(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, double beta,
                             DeviceBuffer gz);

    /** As {@code EquivLinearOps.complexBackwardWeight}. */
    void complexBackwardWeight(DType dt, int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z, double beta,
                               DeviceBuffer gw);

    /**
     * As {@code EquivLinearOps.gemmNormAct} on whole buffers (A m x kk with ld m, B kk x n with ld kk, Y and Z m x n
     * with ld m): true when this provider fused the two, false (nothing written) when it has no kernel for them.
     */
    default boolean gemmNormAct(DType dt, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y,
                                DeviceBuffer z, Radial radial, int k) {
        return false;
    }

    /**
     * As {@code EquivLinearOps.gemmNormActJacobian} on whole buffers (C, y and out m x n with ld m; c may be null):
     * true when this provider fused the two, false (nothing written) when it has no kernel for them.
     */
    default boolean gemmNormActJacobian(DType dt, boolean transA, int m, int n, int kk, DeviceBuffer a,
                                        DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                        DeviceBuffer out, Radial radial, int k) {
        return false;
    }

    /**
     * As {@code EquivLinearOps.gemmNormActBackwardR} on whole buffers (C, y, ry and g m x n with ld m): true when
     * this provider fused the two, false (nothing written) when it has no kernel for them.
     */
    default boolean gemmNormActBackwardR(DType dt, boolean transA, int m, int n, int kk, DeviceBuffer a,
                                         DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry,
                                         DeviceBuffer g, Radial radial, int k) {
        return false;
    }

    /** As {@code EquivLinearOps.complexForwardNormAct}: true when this provider fused them, false (nothing written). */
    default boolean complexForwardNormAct(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer z,
                                          DeviceBuffer y, DeviceBuffer out, Radial radial) {
        return false;
    }

    /** As {@code EquivLinearOps.complexNormActJacobian}: true when fused, false (nothing written). */
    default boolean complexNormActJacobian(DType dt, boolean conjTrans, int m, int n, int batch, DeviceBuffer w,
                                           DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                           DeviceBuffer out, Radial radial) {
        return false;
    }

    /** As {@code EquivLinearOps.complexNormActBackwardR}: true when fused, false (nothing written). */
    default boolean complexNormActBackwardR(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer b,
                                            double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry,
                                            DeviceBuffer g, Radial radial) {
        return false;
    }

    /**
     * Whether this provider has fused-epilogue kernels for {@code dt} at all: the forward's, or with
     * {@code derivatives} those of the backward and R-passes. Default: no.
     */
    default boolean fusesEpilogues(DType dt, boolean derivatives) {
        return false;
    }

    /** Whether this provider runs GEMMs of {@code dt}; the others go to the equiv_linear kernels. Default: all. */
    default boolean supports(DType dt) {
        return true;
    }

    /** One line naming the provider ("cuBLAS 13 (re-linked JCublas2 12.6.0)"). */
    String variant();
}
