package org.goldstone.spectral;

import java.util.ArrayDeque;
import org.goldstone.tensor.DType;

/**
 * {@link LanczosSpace} on host fp64 arrays: the fused two-thread sweeps of {@link Vectors}. The basis is kept in
 * fp64, or in fp32 when the operator rounds its input to fp32 anyway ({@link SymmetricOperator#inputPrecision}):
 * each v_j is rounded to fp32 when it is stored, so the stored vector is exactly the one applied, and every
 * coefficient, norm and the tridiagonal matrix stay fp64. With an fp32 basis the working vectors are recycled
 * ({@link #release}), so a step allocates nothing.
 */
final class HostLanczosSpace implements LanczosSpace<double[]> {
    private final SymmetricOperator a;
    private final double[][] basis64;
    private final HostBasis.F32 basis32;
    private final HostBasis basis;
    private final ArrayDeque<double[]> free = new ArrayDeque<>();
    private final int slots;
    /** The basis's Gram matrix Q^T Q, a column per fused step ({@link #projectStep}); allocated by the first. */
    private double[][] gram;

    /** {@code steps} basis slots (0 when no basis is kept). */
    HostLanczosSpace(SymmetricOperator a, int steps) {
        this.a = a;
        this.slots = steps;
        if (a.inputPrecision() == DType.F32) {
            this.basis64 = null;
            this.basis32 = new HostBasis.F32(steps);
            this.basis = basis32;
        } else {
            this.basis64 = new double[steps][];
            this.basis32 = null;
            this.basis = new HostBasis.F64(basis64);
        }
    }

    @Override
    public int dimension() {
        return a.dimension();
    }

    @Override
    public double[] fromHost(double[] v) {
        return v;
    }

    @Override
    public double[] toHost(double[] v) {
        return v.clone();
    }

    @Override
    public double[] apply(double[] v) {
        double[] w = free.isEmpty() ? new double[v.length] : free.pop();
        a.apply(v, w);
        return w;
    }

    @Override
    public void release(double[] v) {
        if (basis32 != null && v != null && v.length == a.dimension() && free.size() < 4) {
            free.push(v);                 // fp64 basis rows are the working vectors themselves: never recycled
        }
    }

    @Override
    public double recurrence(double[] w, double beta, double[] vPrev, double[] v) {
        return Vectors.recurrenceInPlace(w, beta, vPrev, v);
    }

    @Override
    public double axpyNorm(double alpha, double[] v, double[] w) {
        return Vectors.axpyNormInPlace(alpha, v, w);
    }

    @Override
    public void store(int j, double[] v) {
        if (basis32 != null) {
            basis32.store(j, v);
        } else {
            basis64[j] = v;
        }
    }

    @Override
    public void scaleAndStore(int j, double alpha, double[] w) {
        if (basis32 != null) {
            basis32.store(j, w, alpha);                   // one sweep: scale, round to fp32, keep
        } else {
            LanczosSpace.super.scaleAndStore(j, alpha, w);
        }
    }

    @Override
    public double orthogonalize(double[] w, int count, double before) {
        return Vectors.orthogonalizeInPlace(w, basis, count, before);
    }

    @Override
    public double[] projectStep(double[] w, int count) {
        if (gram == null) {
            gram = new double[slots][slots];
        }
        return Vectors.projectStepInPlace(w, basis, count, gram);
    }

    @Override
    public void scale(double alpha, double[] w) {
        Vectors.scaleInPlace(alpha, w);
    }

    @Override
    public double norm(double[] v) {
        return Vectors.norm(v);
    }

    @Override
    public int firstNonFinite(double[] v) {
        return Vectors.firstNonFinite(v);
    }

    @Override
    public void orthogonalizeToLast(double[] r, double[] v, double[] vPrev) {
        double[][] last = vPrev == null ? new double[][] {v} : new double[][] {v, vPrev};
        Vectors.orthogonalizeInPlace(r, last, last.length);
    }

    @Override
    public double[][] basis(int count) {
        double[][] out = new double[count][];
        for (int k = 0; k < count; k++) {
            out[k] = basis.row(k);
        }
        return out;
    }
}
