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
 * <p>The FULL step ({@link #projectStep}, see {@link #step}) reorthogonalizes one step late, so that it reads the
 * basis once: the product is applied to a vector whose components along the basis (rounding-level drift) are known
 * but not removed. They are never removed from an array either: the rows stay the applied arrays, the orthonormal
 * basis is q = P (I + E)^-1 with those components as the columns of E, the product is corrected through the recorded
 * relations A q_k = sum_i c_i q_i + beta_k q_{k+1}, and one sweep takes the dots of the least-squares projection
 * ({@link Vectors#projectStepInPlace}, the basis's Gram matrix from the same sweep) and writes the next vector. That
 * vector is rescaled by a power of two (exact), so the arrays keep norms near 1 whatever the operator's scale.
 */
final class HostLanczosSpace32 implements LanczosSpace<HostLanczosSpace32.Scaled> {
    /** The vector s x; {@code stored} once it is a basis row (then x is never modified again: the row is p_k). */
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
    /** relation[k]: the coefficients c of step k, A q_k = sum_{i &lt;= k} c_i q_i + relBeta[k] q_{k+1}. */
    private final double[][] relation;
    private final double[] relBeta;
    private final ArrayDeque<float[]> free = new ArrayDeque<>();
    /**
     * pending[k]: e with p_k = q_k + sum_{i &lt; k} e_i q_i (p_k = s_k u_k, the applied row; null: e = 0), so that
     * P = Q (I + E), E strictly upper triangular with columns pending[k].
     */
    private final double[][] pending;
    /** The vector the last step left (the next row), its pending correction and its beta_j. */
    private Scaled next;
    private double[] nextPending;
    private double nextBeta;
    /** beta_{j-1} of the row being stepped (0 at a start or restart). */
    private double rowBeta;

    HostLanczosSpace32(SymmetricOperator a, int steps) {
        this.a = a;
        this.basis = new HostBasis.F32(steps);
        this.scales = new double[steps];
        this.gram = new double[steps][steps];
        this.relation = new double[steps][];
        this.relBeta = new double[steps];
        this.pending = new double[steps][];
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

    /**
     * The Rademacher start as an fp32 array of +-2^-k (the power of two nearest 1 / sqrt(P) from below, so the array
     * is applied as it is stored) times the fp64 scale that makes it a unit vector: the signs of
     * {@link Vectors#rademacher}, drawn straight into the array.
     */
    @Override
    public Scaled rademacher(java.util.SplittableRandom rng) {
        int p = a.dimension();
        double unit = 1 / Math.sqrt(p);
        float level = (float) Math.scalb(1.0, Math.getExponent(unit));
        int bits = Float.floatToRawIntBits(level);
        float[] x = new float[p];
        for (int i = 0; i < p; i++) {                    // the sign of nextInt(): nextBoolean()'s draw, no branch
            x[i] = Float.intBitsToFloat(bits ^ (rng.nextInt() & 0x80000000 ^ 0x80000000));
        }
        return new Scaled(x, unit / level);
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
        boolean continues = v == next;                 // the vector the last step left, not a start or restart
        pending[j] = continues ? nextPending : null;
        rowBeta = continues ? nextBeta : 0;
        if (!continues && j >= 1) {
            relBeta[j - 1] = 0;                        // after a breakdown q_j is not A q_{j-1}'s residual
        }
        next = null;
        nextPending = null;
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
            double after = classicalPass(w, count, null);
            if (after > Vectors.DGKS * before || pass == 1) {
                return after;
            }
            before = after;
        }
        return before;
    }

    /**
     * One classical Gram-Schmidt pass of w against q_0 .. q_{count-1}, the new array scaled near norm 1; adds the
     * removed components (q_k . w) into {@code removed} when it is not null.
     */
    private double classicalPass(Scaled w, int count, double[] removed) {
        double[] d = Vectors.coefficients(basis, count, -1, w.x);
        double[] pd = new double[count];
        for (int k = 0; k < count; k++) {
            pd[k] = scales[k] * w.s * d[k];
        }
        double[] c = qDots(pd, count);
        if (removed != null) {
            for (int k = 0; k < count; k++) {
                removed[k] += c[k];
            }
        }
        double sigma = powerOfTwoNear(1 / Math.sqrt(d[count]));
        double sq = Vectors.update(basis, count, rowCoefficients(c, count, w.s), sigma, w.x);
        w.s /= sigma;
        return w.s * Math.sqrt(sq);
    }

    /** Q^T x from P^T x over rows [0, n): P = Q (I + E), so Q^T x = (I + E)^-T P^T x (forward substitution). */
    private double[] qDots(double[] pd, int n) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            double v = pd[k];
            double[] e = pending[k];
            if (e != null) {
                for (int i = 0; i < k; i++) {
                    v -= e[i] * out[i];
                }
            }
            out[k] = v;
        }
        return out;
    }

    /**
     * The array coefficients of sum_{k &lt; n} c_k q_k for a vector of scale ws: Q c = P (I + E)^-1 c (back
     * substitution), and P y = ws sum_k (y_k s_k / ws) u_k.
     */
    private double[] rowCoefficients(double[] c, int n, double ws) {
        double[] y = new double[n];
        for (int k = n - 1; k >= 0; k--) {
            double v = c[k];
            for (int i = k + 1; i < n; i++) {
                if (pending[i] != null) {
                    v -= pending[i][k] * y[i];
                }
            }
            y[k] = v;
        }
        for (int k = 0; k < n; k++) {
            y[k] *= scales[k] / ws;
        }
        return y;
    }

    @Override
    public double[] projectStep(Scaled w, int count) {
        return step(w, count, false);
    }

    /**
     * The last step of a run, whose only outputs are alpha_m and beta_m (no vector follows it), from one pass over
     * w = A p_m and the last two rows instead of a sweep over the basis: the least-squares projection of A q_m onto
     * q_{m-1} and q_m (their 2 x 2 Gram matrix), every dot with q_{m-1} and q_m measured or exact through E except
     * the components along older rows, which are taken as the recorded relations predict them (Q^T A p_m = R e,
     * Q^T p_m = e there). What this leaves out is second order in the drift e (and the rounding of q_m against older
     * rows, times drift), far below the product's rounding, so alpha_m is the full projection's, as a longer run would
     * compute it. Near a breakdown (beta_m^2 below 1e-8 |A q_m|^2, where the subtraction loses digits), and at
     * m = 1, it runs the full step.
     */
    @Override
    public double[] finalStep(Scaled w, int count) {
        int j = count - 1;
        if (j == 0) {
            return step(w, count, true);
        }
        double[] dots = Vectors.sixDots(w.x, basisRow(j), basisRow(j - 1));  // w.u, w.v, w.w, u.u, u.v, v.v
        double sj = scales[j], s1 = scales[j - 1], ws = w.s;
        double hv2 = ws * ws * dots[2];
        if (!Double.isFinite(hv2)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double pAp = sj * ws * dots[0], pp = sj * sj * dots[3];
        double[] e = pending[j] != null ? pending[j] : new double[j];
        double[] e1 = pending[j - 1] != null ? pending[j - 1] : new double[j - 1];
        double[] f = relationTimes(e, j);
        double gamma = f[j];
        double aAp = s1 * ws * dots[1], ap = s1 * sj * dots[4];   // q_{m-1} . A p_m, q_{m-1} . p_m
        for (int k = 0; k < j - 1; k++) {
            aAp -= e1[k] * f[k];
            ap -= e1[k] * e[k];
        }
        double aa = gram[j - 1][j - 1], ab = ap, eQp = e[j - 1] * ap, eQAp = e[j - 1] * aAp, fQAp = f[j - 1] * aAp;
        double gf = 0, eGe = 0, fGf = 0;
        for (int k = 0; k < j; k++) {
            ab -= gram[j - 1][k] * e[k];
            gf += gram[j - 1][k] * f[k];
            for (int i = 0; i < j; i++) {
                eGe += e[k] * gram[k][i] * e[i];
                fGf += f[k] * gram[k][i] * f[i];
            }
            if (k < j - 1) {
                eQp += e[k] * e[k];
                eQAp += e[k] * f[k];
                fQAp += f[k] * f[k];
            }
        }
        double bb = pp - 2 * eQp + eGe, bAp = pAp - eQAp;
        double aAq = aAp - gf - gamma * ab, bAq = bAp - f[j - 1] * ab - gamma * bb;
        double hq2 = hv2 - 2 * fQAp - 2 * gamma * bAp + fGf + 2 * gamma * f[j - 1] * ab + gamma * gamma * bb;
        double det = aa * bb - ab * ab;
        double ca = (bb * aAq - ab * bAq) / det, cb = (aa * bAq - ab * aAq) / det;
        double beta2 = hq2 - (ca * aAq + cb * bAq);
        if (!(beta2 > 1e-8 * hq2)) {
            return step(w, count, true);
        }
        return new double[] {cb, Math.sqrt(beta2)};
    }

    /** R e over q_0 .. q_j: A Q e = sum_i (R e)_i q_i from the recorded relations (e over q_0 .. q_{j-1}). */
    private double[] relationTimes(double[] e, int j) {
        double[] f = new double[j + 1];
        for (int k = 0; k < j; k++) {
            if (e[k] != 0) {
                for (int i = 0; i <= k; i++) {
                    f[i] += relation[k][i] * e[k];
                }
                f[k + 1] += relBeta[k] * e[k];
            }
        }
        return f;
    }

    /**
     * One step of FULL Lanczos in one read of the basis, reorthogonalizing one step late. The rows are the arrays
     * that were applied, p_k = s_k u_k, never modified; the orthonormal basis is q = P (I + E)^-1, where column k of
     * the strictly upper triangular E is row k's pending correction e: the components along q_0 .. q_{k-1} that its
     * step left in it (rounding-level drift). Every dot with a q and every combination of q's goes through E
     * ({@link #qDots}, {@link #rowCoefficients}), so E is never applied to an array. With w = A p_j:
     * <ol>
     *   <li>A pass over u_j and w alone: p_j . A p_j, for the estimate ahat = p_j . A p_j - 2 beta_{j-1} e_{j-1} of
     *       alpha_j (first order in e), and the finiteness check (a non-finite w: {NaN, NaN}, nothing
     *       modified).</li>
     *   <li>The sweep ({@link HostBasis.F32#project}): P^T w and P^T p_j (the raw Gram column), and the next vector
     *       t = A q_j - ahat q_j - beta_{j-1} q_{j-1} written over w, where A q_j = A p_j - A Q e = A p_j - Q (R e)
     *       from the recorded relations A q_k = sum_i c_i q_i + beta_k q_{k+1}: the operator is linear, so no
     *       product is needed.</li>
     *   <li>Q^T A q_j and the Gram column Q^T q_j follow from the sweep's dots through E; c = G^-1 Q^T A q_j (least
     *       squares with the basis's Gram matrix, as {@link Vectors#projectStepInPlace}), alpha_j = c_j. The
     *       components of t along the basis are then known without a sweep: e' = c - ahat e_j - beta_{j-1}
     *       e_{j-1}, beta_j^2 = |t|^2 - e'^T G e', and e' / beta_j is the next row's pending correction. When
     *       beta_j^2 &lt;= |t|^2 / 2 (e' would remove more than 30 % of t: DGKS, and Pythagoras loses digits; the
     *       last step, when it runs this step, whose t is A q_m itself: 1e-8 |t|^2) e' is removed from the array now, a second classical
     *       pass follows, and beta_j is measured.</li>
     * </ol>
     * The fp32 rounding of t is the one component this bookkeeping does not predict: the next sweep measures it (the
     * raw Gram column), and the least squares accounts for it.
     */
    private double[] step(Scaled w, int count, boolean last) {
        int j = count - 1;
        float[] u = basisRow(j);
        double sj = scales[j], ws = w.s;
        double[] pre = Vectors.sixDots(w.x, u, u);               // w.u, w.u, w.w, u.u, u.u, u.u
        double pAp = sj * ws * pre[0], pp = sj * sj * pre[3], hv2 = ws * ws * pre[2];
        if (!Double.isFinite(hv2)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] e = pending[j] != null ? pending[j] : new double[j];
        double[] f = relationTimes(e, j);                        // A Q e = sum_i f_i q_i
        double gamma = f[j];
        double bLocal = last ? 0 : rowBeta;
        double aHat = last ? 0 : pAp - (j >= 1 ? 2 * rowBeta * e[j - 1] : 0);
        // t = A p_j - (ahat + gamma) p_j - Q h over q_0 .. q_{j-1}
        double[] h = new double[j];
        for (int k = 0; k < j; k++) {
            h[k] = f[k] - (aHat + gamma) * e[k];
        }
        if (j >= 1) {
            h[j - 1] += bLocal;
        }
        double est2 = hv2 - aHat * aHat - bLocal * bLocal;
        double sigma = powerOfTwoNear(ws / Math.sqrt(Math.max(est2, 1e-20 * hv2)));
        double[] out = Vectors.project(basis, w.x, u, j, rowCoefficients(h, j, ws), (aHat + gamma) * sj / ws, sigma);

        double[] pa = new double[j], pq = new double[j];
        for (int k = 0; k < j; k++) {
            pa[k] = scales[k] * ws * out[k];
            pq[k] = scales[k] * sj * out[j + k];
        }
        double[] qa = qDots(pa, j), qp = qDots(pq, j);           // Q^T A p_j, Q^T p_j
        double[] d = new double[2 * count + 1];
        double eqp = 0, eGe = 0, eqa = 0;
        for (int k = 0; k < j; k++) {
            double ge = 0;
            for (int i = 0; i < j; i++) {
                ge += gram[k][i] * e[i];
            }
            d[count + 1 + k] = qp[k] - ge;                       // Q^T q_j = Q^T p_j - G e
            eqp += e[k] * qp[k];
            eGe += e[k] * ge;
            eqa += e[k] * qa[k];
        }
        d[count + 1 + j] = pp - 2 * eqp + eGe;                   // q_j . q_j
        double fg = 0;
        for (int k = 0; k < j; k++) {
            double gf = 0;
            for (int i = 0; i < j; i++) {
                gf += gram[k][i] * f[i];
            }
            d[k] = qa[k] - gf - gamma * d[count + 1 + k];        // Q^T A q_j
            fg += f[k] * d[count + 1 + k];
        }
        d[j] = pAp - eqa - fg - gamma * d[count + 1 + j];        // q_j . A q_j
        d[count] = hv2;
        double[] c = Vectors.leastSquares(d, count, gram);
        boolean explicit = c == null;
        if (explicit) {                                          // E beyond 1e-3: plain projections
            c = new double[count];
            for (int k = 0; k < count; k++) {
                c[k] = d[k] / gram[k][k];
            }
        }
        double[] ep = c.clone();
        ep[j] -= aHat;
        if (j >= 1) {
            ep[j - 1] -= bLocal;
        }
        w.s = ws / sigma;                                        // w now holds t
        double tt = w.s * w.s * out[2 * j], epGep = 0;
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < count; k++) {
                epGep += ep[i] * gram[i][k] * ep[k];
            }
        }
        double alpha = c[j], beta2 = tt - epGep, beta;
        double[] nextE = null;
        if (explicit || !(beta2 > (last ? 1e-8 : 0.5) * tt)) {
            double sigma2 = powerOfTwoNear(1 / Math.sqrt(Math.max(out[2 * j], Double.MIN_NORMAL)));
            Vectors.update(basis, count, rowCoefficients(ep, count, w.s), sigma2, w.x);
            w.s /= sigma2;
            double[] second = new double[count];
            beta = classicalPass(w, count, second);
            for (int k = 0; k < count; k++) {
                c[k] += second[k];
            }
        } else {
            beta = Math.sqrt(beta2);
            nextE = new double[count];
            for (int k = 0; k < count; k++) {
                nextE[k] = ep[k] / beta;
            }
        }
        relation[j] = c;
        relBeta[j] = beta;
        next = w;
        nextPending = nextE;
        nextBeta = beta;
        return new double[] {alpha, beta};
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

    /** q_k = p_k - sum_{i &lt; k} e_i q_i in fp64 (the rows' pending corrections applied on the host). */
    @Override
    public double[][] basis(int count) {
        double[][] out = new double[count][];
        for (int k = 0; k < count; k++) {
            float[] u = basisRow(k);
            double[] q = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                q[i] = scales[k] * u[i];
            }
            double[] e = pending[k];
            for (int i = 0; e != null && i < k; i++) {
                double c = e[i];
                double[] qi = out[i];
                for (int t = 0; t < q.length; t++) {
                    q[t] -= c * qi[t];
                }
            }
            out[k] = q;
        }
        return out;
    }
}
