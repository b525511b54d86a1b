package org.goldstone.backend;

import org.goldstone.layer.Radial;

/**
 * The equivariant matmul family (SCIENCE a.2, a.9). Every linear map of the engine is one of these:
 * O(k) internal layers, embeddings, readouts and dense baseline layers are the real GEMM
 * ({@code W (x) I_k} on the layout of {@link org.goldstone.tensor.UnitShape} is a plain GEMM over {@code batch*k}
 * columns); U(1) internal layers are the complex GEMM.
 *
 * <p>All matrices are column-major with leading dimension equal to their stored row count.
 */
public interface EquivLinearOps {
    /**
     * The fused equivariant layer's forward (SCIENCE a.2, a.3): {@code Y = A B} (A m x kk, B kk x n, no transposes)
     * and {@code Z = h(|y|^2) y} per unit, where a unit is {@code k} consecutive columns of one row of Y (the unit
     * layout of an O(k) level with m channels and n = batch*k), in one pass over Y, when this backend has a kernel
     * for it ({@code --gemm tf32}, fp32, k dividing 128); otherwise it
     * writes nothing and returns false, and the caller runs {@link #gemm} and {@code NormActOps.forward}, the
     * fused kernel's CPU twin. A, B: read. Y, Z: modified (distinct from A, B and each other).
     */
    default boolean gemmNormAct(int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y,
                                DeviceBuffer z, Radial radial, int k) {
        return false;
    }

    /**
     * The norm nonlinearity's Jacobian fused into a GEMM's epilogue (SCIENCE a.8, d.1): {@code G = op(A) B + beta C}
     * (op(A) = A, or A^T when {@code transA}; A stored m x kk, or kk x m when {@code transA}; B kk x n, no transpose)
     * and {@code out = J(y) G = h(q) G + 2 h'(q) (y . G) y} per unit of {@code k} consecutive columns of one row
     * (q = |y|^2 of the unit of y, m x n, the pre-activation of an O(k) level with m channels and n = batch*k). When
     * {@code c} is not null it receives G; with {@code c} null, {@code beta} must be 0 and G is not kept. Two passes
     * use it: the data gradient through the nonlinearity below a layer (A = W transposed, B = G_Y: out is that
     * nonlinearity's G_y, as {@code NormActOps.backward} would write it from G_z = W^T G_Y) and the forward R-pass
     * (A = W, B = R{Z}, beta 1 onto C = V Z: C becomes R{Y} and out R{Z'}). Returns false and writes nothing when
     * this backend has no kernel for it (the CPU backend; on "cuda+tf32" fp32, k dividing 128, aligned operands,
     * no split along K); the caller then runs {@link #gemm} and {@code NormActOps.backward}, the fused kernel's CPU
     * twin. A, B, y: read. C, out: modified (distinct from each other and from A, B, y).
     */
    default boolean gemmNormActJacobian(boolean transA, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b,
                                        double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer out,
                                        Radial radial, int k) {
        return false;
    }

    /**
     * The Hessian-vector product's backward pass through the norm nonlinearity below a layer, fused into the GEMM
     * that completes R{G_z} (SCIENCE d.1): {@code R = op(A) B + beta C} (as {@link #gemmNormActJacobian}; in the HVP
     * A = W transposed, B = R{G_Y}, C = V^T G_Y, beta 1), then, per unit of k columns, what
     * {@code NormActOps.backwardAndRop} writes from y, {@code ry} = R{y}, G = G_z (read from {@code g}) and R, in
     * place: {@code g} becomes G_y and {@code c} R{G_y}. Returns false and writes nothing when this backend has no
     * kernel for it (as {@link #gemmNormActJacobian}, transA only); the caller then runs {@link #gemm} and
     * {@code backwardAndRop}, the fused kernel's CPU twin. A, B, y, ry: read. C, g: modified (distinct from each
     * other and from A, B, y, ry).
     */
    default boolean gemmNormActBackwardR(boolean transA, int m, int n, int kk, DeviceBuffer a, DeviceBuffer b,
                                         double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer g,
                                         Radial radial, int k) {
        return false;
    }

    /**
     * The U(1) layer's forward with its norm nonlinearity fused (SCIENCE a.2, a.3): {@code Y = W Z} as
     * {@link #complexForward} (beta 0) and {@code out = h(|y|^2) y} per complex unit, when this backend has a kernel
     * for it ("cuda+tf32": fp32, the block form of the complex GEMM); otherwise writes nothing and returns false,
     * and the caller runs {@link #complexForward} and {@code NormActOps.forward} with k = 2, the CPU twin. W, Z: read.
     * Y, out: modified.
     */
    default boolean complexForwardNormAct(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, DeviceBuffer y,
                                          DeviceBuffer out, Radial radial) {
        return false;
    }

    /**
     * {@link #gemmNormActJacobian} for a U(1) layer: {@code G = W^H B + beta C} ({@code conjTrans}: B has m channels,
     * G and y n) or {@code G = W B + beta C} (B n channels, G and y m), all in the k = 2 unit layout over
     * {@code batch} samples, then {@code out = J(y) G} per complex unit; C receives G when not null (else beta 0).
     * False and nothing written where there is no kernel for it; the CPU twin is {@link #complexBackwardData} or
     * {@link #complexForward}, then {@code NormActOps.backward}.
     */
    default boolean complexNormActJacobian(boolean conjTrans, int m, int n, int batch, DeviceBuffer w,
                                           DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                           DeviceBuffer out, Radial radial) {
        return false;
    }

    /**
     * {@link #gemmNormActBackwardR} for a U(1) layer: {@code R = W^H B + beta C} (B m channels; R, C, y, ry and g n
     * channels), then {@code NormActOps.backwardAndRop} in place: g (G_z in) becomes G_y, C becomes R{G_y}. False and
     * nothing written where there is no kernel for it.
     */
    default boolean complexNormActBackwardR(int m, int n, int batch, DeviceBuffer w, DeviceBuffer b, double beta,
                                            DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer g,
                                            Radial radial) {
        return false;
    }

    /**
     * {@code C = op(A) op(B) + beta C} with op(X) = X or X^T. op(A) is m x kk, op(B) is kk x n, C is m x n.
     * A is stored m x kk (or kk x m when {@code transA}), B kk x n (or n x kk when {@code transB}).
     * A, B: read. C: modified; must not alias A or B. {@code beta} is 0 (overwrite) or 1 (accumulate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int kk,
              DeviceBuffer a, DeviceBuffer b, double beta, DeviceBuffer c);

    /**
     * U(1) forward {@code Y = W Z} for complex W (m x n) stored planar: elements [0, mn) hold Re W, [mn, 2mn) Im W,
     * each column-major. Z (n channels) and Y (m channels) use the unit layout with k = 2 (Re, Im) over
     * {@code batch} samples. {@code Y = W Z + beta Y}, beta 0 or 1. W, Z: read. Y: modified.
     */
    void complexForward(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta, DeviceBuffer y);

    /**
     * U(1) backward to the input: {@code G_Z = W^H G_Y + beta G_Z} (SCIENCE a.8). W, G_Y: read. G_Z: modified.
     */
    void complexBackwardData(int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, double beta, DeviceBuffer gz);

    /**
     * U(1) weight gradient {@code G_W = G_Y Z^H + beta G_W}, packed as in SCIENCE conventions (Re part = dL/dRe W,
     * Im part = dL/dIm W), planar like W. G_Y, Z: read. G_W: modified.
     */
    void complexBackwardWeight(int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z, double beta, DeviceBuffer gw);
}
