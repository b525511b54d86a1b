package org.goldstone.spectral;

/**
 * {@link LanczosSpace} on host fp64 arrays: the fused two-thread sweeps of {@link Vectors}, the basis rows being the
 * working vectors themselves. (An operator that rounds its input to fp32 runs in {@link HostLanczosSpace32}
 * whenever a basis is kept.)
 */
final class HostLanczosSpace implements LanczosSpace<double[]> {
    private final SymmetricOperator a;
    private final double[][] basis64;
    private final HostBasis.F64 basis;
    private final int slots;
    /** The basis's Gram matrix Q^T Q, a column per fused step ({@link #projectStep}); allocated by the first. */
    private double[][] gram;

    /** {@code steps} basis slots (0 when no basis is kept). */
    HostLanczosSpace(SymmetricOperator a, int steps) {
        this.a = a;
        this.slots = steps;
        this.basis64 = new double[steps][];
        this.basis = new HostBasis.F64(basis64);
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
        double[] w = new double[v.length];
        a.apply(v, w);
        return w;
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
        basis64[j] = v;
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
