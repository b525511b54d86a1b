package org.goldstone.spectral;

import java.util.ArrayDeque;
import org.goldstone.tensor.HostVectors;

/**
 * {@link LanczosSpace} of the runs that keep a basis (FULL, or keepBasis) on an operator that rounds its input to fp32
 * anyway
 * ({@link SymmetricOperator#inputPrecision}): every vector is an fp32 array times an fp64 scale
 * ({@link Scaled}, the vector is s x), so the operator's fp32 product comes back as it is
 * ({@link SymmetricOperator#apply(float[], float[])}), the basis keeps the very arrays that were applied (no copy),
 * normalizing a vector only changes its scale, and every sweep moves 4 bytes per entry of w as well as of the basis.
 * Every coefficient, norm and the tridiagonal matrix stay fp64, every sum is accumulated in fp64 from exact
 * products, and each update rounds the new vector to fp32 once.
 *
 * <p>The fused step ({@link #projectStep}) is the least-squares projection of {@link Vectors#projectStepInPlace}
 * (the basis's Gram matrix taken from the same dot sweep), written in the scaled coordinates; its update also
 * rescales the new vector by a power of two (exact), so the arrays keep norms near 1 whatever the operator's
 * scale. The last step of a run only needs alpha_m and beta_m: {@link #finalStep} takes them from one sweep over
 * w and the last two basis vectors (no vector follows it to reorthogonalize).
 */
final class HostLanczosSpace32 implements LanczosSpace<HostLanczosSpace32.Scaled> {
    /** The vector s x; {@code stored} once it is a basis row (then x is never modified again). */
    static final class Scaled {
        final float[] x;
        double s;
        boolean stored;

        Scaled(float[] x, double s) {
            this.x = x;
            this.s = s;
        }
    }

    /**
     * A stored vector whose scale is outside [2^-LIMIT, 2^LIMIT] has it folded into its array by a power of two
     * (exact) first: the arrays that are applied keep norms near 1, so the fp32 products have the operator's own
     * range (an array of norm 2^40 would overflow the product of an operator of scale 1e30).
     */
    private static final int LIMIT = 8;

    private final SymmetricOperator a;
    private final HostBasis.F32 basis;
    private final double[] scales;
    private final double[][] gram;
    private final ArrayDeque<float[]> free = new ArrayDeque<>();

    HostLanczosSpace32(SymmetricOperator a, int steps) {
        this.a = a;
        this.basis = new HostBasis.F32(steps);
        this.scales = new double[steps];
        this.gram = new double[steps][steps];
    }

    @Override
    public int dimension() {
        return a.dimension();
    }

    @Override
    public Scaled fromHost(double[] v) {
        float[] x = new float[v.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) v[i];
        }
        return new Scaled(x, 1.0);
    }

    @Override
    public double[] toHost(Scaled v) {
        double[] out = new double[v.x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.s * v.x[i];
        }
        return out;
    }

    @Override
    public Scaled apply(Scaled v) {
        float[] w = free.isEmpty() ? new float[v.x.length] : free.pop();
        a.apply(v.x, w);
        return new Scaled(w, v.s);                     // A (s x) = s (A x)
    }

    @Override
    public void release(Scaled v) {
        if (v != null && !v.stored && free.size() < 2) {
            free.push(v.x);
        }
    }

    @Override
    public double recurrence(Scaled w, double beta, Scaled vPrev, Scaled v) {
        float[] x = w.x;
        double f = vPrev == null ? 0 : beta * vPrev.s / w.s, dot = 0;
        boolean finite = true;
        for (int i = 0; i < x.length; i++) {
            double y = x[i];
            finite &= Double.isFinite(y);
            if (vPrev != null) {
                x[i] = (float) (y - f * vPrev.x[i]);
            }
            dot += x[i] * (double) v.x[i];
        }
        return finite ? w.s * v.s * dot : Double.NaN;
    }

    @Override
    public double axpyNorm(double alpha, Scaled v, Scaled w) {
        double f = alpha * v.s / w.s, sq = 0;
        for (int i = 0; i < w.x.length; i++) {
            float y = (float) (w.x[i] - f * v.x[i]);
            w.x[i] = y;
            sq += (double) y * y;
        }
        return w.s * w.s * sq;
    }

    @Override
    public void store(int j, Scaled v) {
        normalizeScale(v);
        basis.keep(j, v.x);
        scales[j] = v.s;
        v.stored = true;
    }

    @Override
    public void scaleAndStore(int j, double alpha, Scaled w) {
        scale(alpha, w);
        store(j, w);
    }

    @Override
    public double orthogonalize(Scaled w, int count, double before) {
        if (count == 0) {
            return before;
        }
        for (int pass = 0; pass < 2; pass++) {
            double after = classicalPass(w, count);
            if (after > Vectors.DGKS * before || pass == 1) {
                return after;
            }
            before = after;
        }
        return before;
    }

    /** One classical Gram-Schmidt pass of w against basis rows [0, count), the new array scaled near norm 1. */
    private double classicalPass(Scaled w, int count) {
        double[] d = Vectors.coefficients(basis, count, -1, w.x);
        double[] c = new double[count];
        for (int k = 0; k < count; k++) {
            c[k] = scales[k] * scales[k] * d[k];       // raw: (s_k u_k . w.s x) s_k / w.s
        }
        double sigma = powerOfTwoNear(1 / Math.sqrt(d[count]));
        double sq = Vectors.update(basis, count, c, sigma, w.x);
        w.s /= sigma;
        return w.s * Math.sqrt(sq);
    }

    @Override
    public double[] projectStep(Scaled w, int count) {
        int j = count - 1;
        double[] raw = Vectors.coefficients(basis, count, j, w.x);
        double[] d = new double[2 * count + 1];
        double ws = w.s;
        for (int k = 0; k < count; k++) {
            d[k] = scales[k] * ws * raw[k];
            d[count + 1 + k] = scales[k] * scales[j] * raw[count + 1 + k];
        }
        d[count] = ws * ws * raw[count];
        if (!Double.isFinite(d[count])) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] c = Vectors.leastSquares(d, count, gram);
        if (c == null) {
            return null;
        }
        double alpha = c[j], prev = count >= 2 ? c[j - 1] : 0;
        double left2 = Math.max(d[count] - alpha * alpha - prev * prev, 1e-30 * d[count]);
        double[] cRaw = new double[count];
        for (int k = 0; k < count; k++) {
            cRaw[k] = c[k] * scales[k] / ws;
        }
        double sigma = powerOfTwoNear(ws / Math.sqrt(left2));
        double sq = Vectors.update(basis, count, cRaw, sigma, w.x);
        w.s = ws / sigma;
        double after = w.s * Math.sqrt(sq);
        if (Vectors.secondPass(c, d[count], after)) {
            after = classicalPass(w, count);
        }
        return new double[] {alpha, after};
    }

    /**
     * The last step of a run (nothing follows it): alpha_m and beta_m = |w - c_m q_m - c_{m-1} q_{m-1}| from one
     * sweep over w and the last two basis rows (their 2 x 2 Gram matrix from the same sweep), without the
     * reorthogonalization whose only product would be the unused next vector. The components along older rows that
     * this leaves in beta_m are drift, O(rounding) against beta_m. Near a breakdown (beta_m^2 below 1e-8 |w|^2,
     * where the subtraction loses digits) it runs the full {@link #projectStep}.
     */
    @Override
    public double[] finalStep(Scaled w, int count) {
        int j = count - 1;
        if (count < 2) {
            return projectStep(w, count);
        }
        double[] dots = Vectors.sixDots(w.x, basisRow(j), basisRow(j - 1));
        double xu = dots[0], xv = dots[1], xx = dots[2], uu = dots[3], uv = dots[4], vv = dots[5];
        double su = scales[j], sv = scales[j - 1], ws = w.s;
        double hv2 = ws * ws * xx;
        if (!Double.isFinite(hv2)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double du = su * ws * xu, dv = sv * ws * xv;             // q_j . w, q_{j-1} . w
        double guu = su * su * uu, guv = su * sv * uv, gvv = sv * sv * vv;
        double det = guu * gvv - guv * guv;
        double cu = (gvv * du - guv * dv) / det, cv = (guu * dv - guv * du) / det;
        double beta2 = hv2 - (cu * du + cv * dv);                // |w|^2 - c^T G c
        if (!(beta2 > 1e-8 * hv2)) {
            return projectStep(w, count);
        }
        return new double[] {cu, Math.sqrt(beta2)};
    }

    private float[] basisRow(int k) {
        return basis.rowArray(k);
    }

    @Override
    public void scale(double alpha, Scaled w) {
        w.s *= alpha;
    }

    /** Folds a scale outside [2^-LIMIT, 2^LIMIT] into the array (one sweep, exact: a power of two). */
    private static void normalizeScale(Scaled v) {
        int e = Math.getExponent(v.s);
        if (Math.abs(e) > LIMIT) {
            double f = Math.scalb(1.0, e);                       // may be outside fp32's range itself
            for (int i = 0; i < v.x.length; i++) {
                v.x[i] = (float) (v.x[i] * f);
            }
            v.s = Math.scalb(v.s, -e);
        }
    }

    /** A power of two within a factor 2 of t (1 for zero or non-finite t). */
    private static double powerOfTwoNear(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            return 1;
        }
        return Math.scalb(1.0, Math.getExponent(t));
    }

    @Override
    public double norm(Scaled v) {
        double sq = 0;
        for (float f : v.x) {
            sq += (double) f * f;
        }
        return Math.abs(v.s) * Math.sqrt(sq);
    }

    @Override
    public int firstNonFinite(Scaled v) {
        return HostVectors.firstNonFinite(v.x);
    }

    @Override
    public void orthogonalizeToLast(Scaled r, Scaled v, Scaled vPrev) {
        for (Scaled q : vPrev == null ? new Scaled[] {v} : new Scaled[] {v, vPrev}) {
            double d = 0, qq = 0;
            for (int i = 0; i < r.x.length; i++) {
                d += (double) r.x[i] * q.x[i];
                qq += (double) q.x[i] * q.x[i];
            }
            double f = d / qq;
            for (int i = 0; i < r.x.length; i++) {
                r.x[i] = (float) (r.x[i] - f * q.x[i]);
            }
        }
    }

    @Override
    public double[][] basis(int count) {
        double[][] out = new double[count][];
        for (int k = 0; k < count; k++) {
            float[] u = basisRow(k);
            out[k] = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                out[k][i] = scales[k] * u[i];
            }
        }
        return out;
    }
}
