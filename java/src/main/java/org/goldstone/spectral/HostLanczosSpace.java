package org.goldstone.spectral;

/** {@link LanczosSpace} on host fp64 arrays: the fused two-thread sweeps of {@link Vectors}. */
final class HostLanczosSpace implements LanczosSpace<double[]> {
    private final SymmetricOperator a;
    private final double[][] basis;

    /** {@code steps} basis slots (0 when no basis is kept). */
    HostLanczosSpace(SymmetricOperator a, int steps) {
        this.a = a;
        this.basis = new double[steps][];
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
        basis[j] = v;
    }

    @Override
    public double orthogonalize(double[] w, int count, double before) {
        return Vectors.orthogonalizeInPlace(w, basis, count, before);
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
        return java.util.Arrays.copyOf(basis, count);
    }
}
