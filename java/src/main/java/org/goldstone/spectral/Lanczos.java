package org.goldstone.spectral;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;
import org.goldstone.tensor.DType;

/**
 * Lanczos tridiagonalization of a symmetric operator, as in PyHessian and SCIENCE d.4 (steps j = 1..m):
 *
 * <pre>
 *   v_1 = v / |v| (v Rademacher unless given),  beta_0 = 0
 *   w = A v_j - beta_{j-1} v_{j-1};  alpha_j = w.v_j;  w -= alpha_j v_j
 *   FULL: w -= V_j (V_j^T w), again when that removed more than 30 % of |w| ("twice is enough", DGKS); on the host
 *         the recurrence and the first pass are one projection of A v_j onto the basis, least squares with the
 *         basis's Gram matrix (LanczosSpace.projectStep: two sweeps over the basis instead of four; one sweep on
 *         fp32 arrays, HostLanczosSpace32, which reorthogonalizes one step late)
 *   beta_j = |w|;  breakdown if beta_j &lt;= tol * max_{i&lt;=j}(|alpha_i|, beta_{i-1})
 *   v_{j+1} = w / beta_j, or after a breakdown a Gaussian vector orthogonalized against the basis (beta_j := 0)
 *   T_m = tridiag(beta, alpha, beta) = Q Theta Q^T;  Ritz values theta_i ascending, weights tau_i^2 = Q[0][i]^2
 * </pre>
 *
 * The breakdown scale includes the betas as well as d.4's max|alpha| so that an operator whose quadratic forms
 * vanish (A = 0, or a start vector in the null space) still registers its breakdown. With FULL reorthogonalization a
 * run never exceeds P steps (m = min(steps, P)); at P, or when no direction orthogonal to the basis is left, it stops.
 *
 * <p><b>Multiplicity caveat</b> (SCIENCE d.4, lesson h.6): the Krylov space of one vector meets each eigenspace in
 * one direction, so in exact arithmetic a k-fold eigenvalue appears as one Ritz value with weight |P_lambda v|^2 and
 * {@link OnBreakdown#STOP} ends the run when that space is exhausted. In fp64 the rounding noise that falls into the
 * rest of a degenerate eigenspace grows back once the first copy has converged (Paige's ghost mechanism; full
 * reorthogonalization removes it only inside the basis), so a run to exhaustion shows 1 to 3 copies (measured here:
 * 2 for a 5-fold zero inside the spectrum, 3 at its edge), never a reliable count; the cluster's total weight stays
 * |P_lambda v|^2. With {@link OnBreakdown#RESTART} and m = P the random restarts reach the whole eigenspace, with
 * zero quadrature weight and at the cost of P products (no cheaper than the dense Hessian). Counting zero modes needs
 * {@link BlockLanczos}.
 *
 * <p><b>Non-finite products.</b> If A v_j has a NaN or infinite entry the run throws a
 * {@link NonFiniteProbeException} naming step j; its {@code partial(LanczosResult.class)} holds steps 1..j-1.
 *
 * <p>Reproducible: all randomness comes from the {@link SplittableRandom} passed in.
 */
public final class Lanczos {
    /** Relative breakdown tolerance of the defaults: far above rounding (1e-16), far below any genuine coupling. */
    public static final double DEFAULT_BREAKDOWN_TOL = 1e-10;

    /** What to do when beta_j vanishes (the Krylov space of the current start vector is exhausted). */
    public enum OnBreakdown {
        /** Continue from a random vector orthogonal to the basis (PyHessian; beta_j is stored as 0). */
        RESTART,
        /** End the run at step j: T_j describes exactly the part of the spectrum the start vector sees. */
        STOP
    }

    /**
     * Everything a run can be told. start: null for a Rademacher vector from the run's rng (copied, never modified);
     * symmetryThreshold: 0 skips the check, otherwise {@link OperatorChecks#requireSymmetric} runs first (two extra
     * products) and a larger asymmetry throws.
     */
    public record Options(int steps, double[] start, Reorthogonalization reorthogonalization, OnBreakdown onBreakdown,
                          boolean keepBasis, double breakdownTol, double symmetryThreshold) {
        public Options {
            if (steps < 1) {
                throw new GoldstoneException("Lanczos steps must be >= 1, got " + steps);
            }
            if (reorthogonalization == null || onBreakdown == null) {
                throw new GoldstoneException("Lanczos options need a reorthogonalization and a breakdown policy");
            }
            if (!(breakdownTol >= 0) || Double.isInfinite(breakdownTol)) {
                throw new GoldstoneException("Lanczos breakdown tolerance must be finite and >= 0, got "
                        + breakdownTol);
            }
            if (!(symmetryThreshold >= 0)) {
                throw new GoldstoneException("symmetry threshold must be >= 0 (0 = no check), got "
                        + symmetryThreshold);
            }
        }

        /** steps, Rademacher start, FULL, RESTART, no basis kept, {@link #DEFAULT_BREAKDOWN_TOL}, no symmetry check. */
        public static Options of(int steps) {
            return new Options(steps, null, Reorthogonalization.FULL, OnBreakdown.RESTART, false,
                    DEFAULT_BREAKDOWN_TOL, 0);
        }

        public Options withStart(double[] v) {
            return new Options(steps, v, reorthogonalization, onBreakdown, keepBasis, breakdownTol, symmetryThreshold);
        }

        public Options withReorthogonalization(Reorthogonalization r) {
            return new Options(steps, start, r, onBreakdown, keepBasis, breakdownTol, symmetryThreshold);
        }

        public Options withOnBreakdown(OnBreakdown b) {
            return new Options(steps, start, reorthogonalization, b, keepBasis, breakdownTol, symmetryThreshold);
        }

        public Options withKeepBasis(boolean keep) {
            return new Options(steps, start, reorthogonalization, onBreakdown, keep, breakdownTol, symmetryThreshold);
        }

        public Options withBreakdownTol(double tol) {
            return new Options(steps, start, reorthogonalization, onBreakdown, keepBasis, tol, symmetryThreshold);
        }

        public Options withSymmetryThreshold(double threshold) {
            return new Options(steps, start, reorthogonalization, onBreakdown, keepBasis, breakdownTol, threshold);
        }
    }

    private Lanczos() {
    }

    /** FULL reorthogonalization, RESTART on breakdown, basis not kept; start null = Rademacher from rng. */
    public static LanczosResult run(SymmetricOperator a, int steps, double[] start, SplittableRandom rng) {
        return run(a, Options.of(steps).withStart(start), rng);
    }

    /** Rademacher start, RESTART on breakdown, basis not kept. */
    public static LanczosResult run(SymmetricOperator a, int steps, Reorthogonalization reorthogonalization,
                                    SplittableRandom rng) {
        return run(a, Options.of(steps).withReorthogonalization(reorthogonalization), rng);
    }

    /**
     * Runs {@code o.steps()} steps on host fp64 vectors. When a basis is kept (FULL, or keepBasis), an operator that
     * rounds its input to fp32 anyway ({@link SymmetricOperator#inputPrecision}) runs on fp32 arrays with fp64
     * scales instead ({@link HostLanczosSpace32}: its fp32 products come back as they are, the basis keeps the
     * applied arrays, a FULL step reads the basis once, and the last step takes alpha_m and beta_m from the last two
     * basis vectors). An operator that
     * lives on an accelerator ({@link DeviceOperator} of a backend whose memory is not the host's) with FULL
     * reorthogonalization runs with its vectors on the device instead ({@link #runOnDevice}), same results up to
     * rounding.
     */
    public static LanczosResult run(SymmetricOperator a, Options o, SplittableRandom rng) {
        boolean full = o.reorthogonalization() == Reorthogonalization.FULL;
        if (full && a instanceof DeviceOperator && !((DeviceOperator) a).backend().hostMemory()) {
            return runOnDevice((DeviceOperator) a, o, rng);    // an accelerator's operator: keep the vectors there
        }
        int m = full ? Math.min(o.steps(), a.dimension()) : o.steps();
        boolean store = full || o.keepBasis();
        if (store && a.inputPrecision() == DType.F32) {
            return run(a, new HostLanczosSpace32(a, Math.max(0, m)), o, rng);
        }
        return run(a, new HostLanczosSpace(a, store ? Math.max(0, m) : 0), o, rng);
    }

    /**
     * As {@link #run(SymmetricOperator, Options, SplittableRandom)} with every vector on the operator's backend:
     * the basis in one fp64 device buffer, each product {@link DeviceOperator#applyOnDevice}, the full
     * reorthogonalization by the backend's {@code lanczos} kernels; only the scalars alpha_j, beta_j (and the basis,
     * when kept) come back to the host. Needs FULL reorthogonalization; same results as the host run up to rounding.
     */
    public static LanczosResult runOnDevice(DeviceOperator a, Options o, SplittableRandom rng) {
        if (o.reorthogonalization() != Reorthogonalization.FULL) {
            throw new GoldstoneException("Lanczos on the device: expected FULL reorthogonalization, found "
                    + o.reorthogonalization());
        }
        return run(a, new DeviceLanczosSpace(a, Math.min(o.steps(), a.dimension())), o, rng);
    }

    private static <V> LanczosResult run(SymmetricOperator a, LanczosSpace<V> space, Options o, SplittableRandom rng) {
        int p = a.dimension();
        if (p < 1) {
            throw new GoldstoneException("Lanczos needs an operator of dimension >= 1, got " + p);
        }
        if (rng == null) {
            throw new GoldstoneException("Lanczos needs a SplittableRandom (start and restart vectors)");
        }
        if (o.symmetryThreshold() > 0) {
            OperatorChecks.requireSymmetric(a, o.symmetryThreshold(), rng);
        }
        boolean full = o.reorthogonalization() == Reorthogonalization.FULL;
        int m = full ? Math.min(o.steps(), p) : o.steps();
        boolean store = full || o.keepBasis();

        V v = o.start() == null ? space.rademacher(rng) : space.fromHost(startVector(o.start(), p));
        double[] alpha = new double[m], beta = new double[m];
        List<Integer> breakdowns = new ArrayList<>();
        V vPrev = null;
        double betaPrev = 0;
        double scale = 0;
        int done = 0;
        boolean stored = false;                    // v already kept by scaleAndStore
        for (int j = 0; j < m; j++) {              // step j + 1 of d.4
            if (store && !stored) {
                space.store(j, v);
            }
            stored = false;
            V w = space.apply(v);
            // FULL on a space with a fused step: one or two sweeps over the basis do the recurrence and the
            // reorthogonalization together (LanczosSpace.projectStep), after a restart too (the projection onto the
            // whole basis removes v_{j-1}, uncoupled there, with the drift; and the step records the restart
            // vector's Gram column, which every later least-squares step needs); otherwise one pass for the
            // three-term recurrence, alpha = w.v and the finiteness check, a second for w -= alpha v with |w|, and
            // the reorthogonalization returns |w| from its update sweep (no separate norm passes)
            double[] fused = !full ? null : j + 1 == m ? space.finalStep(w, j + 1) : space.projectStep(w, j + 1);
            double aj = fused != null ? fused[0]
                    : space.recurrence(w, betaPrev, vPrev != null && betaPrev != 0 ? vPrev : null, v);
            if (Double.isNaN(aj)) {
                int bad = space.firstNonFinite(w);
                LanczosResult partial = result(alpha, beta, j, breakdowns, space, store, o);
                throw new NonFiniteProbeException("Lanczos", j + 1, bad >= 0
                        ? NonFiniteProbeException.describe(space.toHost(w), bad) : "w.v is NaN", partial, null);
            }
            alpha[j] = aj;
            double bj;
            if (fused != null) {
                bj = fused[1];
            } else {
                bj = Math.sqrt(space.axpyNorm(aj, v, w));
                if (full) {
                    bj = space.orthogonalize(w, j + 1, bj);
                }
            }
            if (!Double.isFinite(aj) || !Double.isFinite(bj)) {     // finite entries, overflowing products
                LanczosResult partial = result(alpha, beta, j, breakdowns, space, store, o);
                throw new NonFiniteProbeException("Lanczos", j + 1, "alpha = " + aj + ", beta = " + bj, partial, null);
            }
            scale = Math.max(scale, Math.max(Math.abs(aj), betaPrev));
            done = j + 1;
            if (bj <= o.breakdownTol() * scale) {
                beta[j] = 0;
                breakdowns.add(j + 1);
                if (j + 1 == m || o.onBreakdown() == OnBreakdown.STOP) {
                    break;
                }
                V r = restartVector(space, p, store, j + 1, v, vPrev, rng);
                if (r == null) {
                    break;                           // no direction left: the whole space is spanned
                }
                space.release(w);
                space.release(vPrev);
                vPrev = v;
                betaPrev = 0;
                v = r;
            } else {
                beta[j] = bj;
                if (j + 1 == m) {
                    break;
                }
                if (store) {
                    space.scaleAndStore(j + 1, 1.0 / bj, w);
                    stored = true;
                } else {
                    space.scale(1.0 / bj, w);
                }
                space.release(vPrev);
                vPrev = v;
                betaPrev = bj;
                v = w;
            }
        }
        return result(alpha, beta, done, breakdowns, space, store, o);
    }

    /** The given start vector, checked and normalized (a copy). */
    private static double[] startVector(double[] start, int p) {
        if (start.length != p) {
            throw new GoldstoneException("Lanczos start vector: expected length P = " + p + ", got " + start.length);
        }
        int bad = Vectors.firstNonFinite(start);
        if (bad >= 0) {
            throw new GoldstoneException("Lanczos start vector: entry " + bad + " is " + start[bad]);
        }
        double n = Vectors.norm(start);
        if (n == 0) {
            throw new GoldstoneException("Lanczos start vector is zero");
        }
        double[] v = start.clone();
        Vectors.scaleInPlace(1.0 / n, v);
        return v;
    }

    /**
     * A unit Gaussian vector orthogonal to the stored basis (or, without one, to the last two vectors), or null when
     * what survives the orthogonalization is rounding noise (the basis already spans R^P).
     */
    private static <V> V restartVector(LanczosSpace<V> space, int p, boolean store, int count, V v, V vPrev,
                                       SplittableRandom rng) {
        if (store && count >= p) {
            return null;
        }
        V r = space.gaussian(rng);
        double before = space.norm(r);
        if (store) {
            space.orthogonalize(r, count, before);
        } else {
            space.orthogonalizeToLast(r, v, vPrev);
        }
        double after = space.norm(r);
        if (after <= 1e-8 * before) {
            return null;
        }
        space.scale(1.0 / after, r);
        return r;
    }

    private static <V> LanczosResult result(double[] alpha, double[] beta, int m, List<Integer> breakdowns,
                                            LanczosSpace<V> space, boolean store, Options o) {
        double[][] keptBasis = null;
        if (o.keepBasis() && store) {
            keptBasis = space.basis(m);
        }
        return LanczosResult.of(Arrays.copyOf(alpha, m), Arrays.copyOf(beta, m), breakdowns,
                keptBasis, o.reorthogonalization());
    }
}
