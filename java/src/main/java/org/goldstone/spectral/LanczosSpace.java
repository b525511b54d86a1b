package org.goldstone.spectral;

import java.util.SplittableRandom;

/**
 * Where {@link Lanczos} keeps its vectors and how it runs the vector work of one step: host fp64 arrays
 * ({@link HostLanczosSpace}, the definition) or fp64 buffers of a backend ({@link DeviceLanczosSpace}, the basis in
 * one device buffer and the fused reorthogonalization of {@code LanczosOps}). The algorithm itself lives once, in
 * {@link Lanczos}; a space only moves and combines vectors.
 *
 * @param <V> the vector type
 */
interface LanczosSpace<V> {
    int dimension();

    /** A new vector holding {@code v} (host values, already validated). */
    V fromHost(double[] v);

    /** The vector's values on the host (a copy). */
    double[] toHost(V v);

    /** {@code A v} as a new vector. */
    V apply(V v);

    /** {@code w -= beta vPrev} (skipped when vPrev is null), then {@code w.v}, or NaN when w has a non-finite entry. */
    double recurrence(V w, double beta, V vPrev, V v);

    /** {@code w -= alpha v}; returns |w|^2 afterwards. */
    double axpyNorm(double alpha, V v, V w);

    /** Keeps v as basis vector {@code j} (j = 0, 1, ... in order). */
    void store(int j, V v);

    /**
     * Removes from w its components along basis vectors [0, count), with a second pass when the first removed more
     * than about 30 % of |w| (DGKS); {@code before} is |w|. Returns |w| afterwards.
     */
    double orthogonalize(V w, int count, double before);

    /**
     * The vector work of one FULL step in two sweeps (one in {@link HostLanczosSpace32}, which reorthogonalizes one
     * step late and leaves the next vector in w), where the space has it: classical Gram-Schmidt of w = A v_j
     * against the whole basis [0, count) (count = j + 1, rows j and j - 1 being v_j and v_{j-1}), which removes the
     * three-term components alpha_j v_j and beta_{j-1} v_{j-1} together with the drift; a second pass when the
     * first removed more than about 30 % of |w - alpha_j v_j - beta_{j-1} v_{j-1}| (DGKS on the norm the recurrence
     * would have left, from the same sweep's dots). Returns {alpha_j = v_j.w, |w| afterwards}, alpha NaN when w has
     * a non-finite entry; null where the space has no such step (the caller runs {@link #recurrence},
     * {@link #axpyNorm} and {@link #orthogonalize}). Default: null.
     */
    default double[] projectStep(V w, int count) {
        return null;
    }

    /**
     * {@link #projectStep} for the last step of a run, whose only outputs are alpha_m and beta_m (no vector follows
     * it): a space may skip the reorthogonalization there. Default: {@link #projectStep}.
     */
    default double[] finalStep(V w, int count) {
        return projectStep(w, count);
    }

    /** {@code w *= alpha}, then {@link #store} it as basis vector j; a space may do both in one sweep. */
    default void scaleAndStore(int j, double alpha, V w) {
        scale(alpha, w);
        store(j, w);
    }

    /** {@code w *= alpha}. */
    void scale(double alpha, V w);

    double norm(V v);

    /** Index of the first non-finite entry of v, or -1. */
    int firstNonFinite(V v);

    /** Removes from r its components along v and vPrev (null: none); for runs that keep no basis. */
    void orthogonalizeToLast(V r, V v, V vPrev);

    /** The first {@code count} basis vectors on the host. */
    double[][] basis(int count);

    /** v is no longer used by the run (a dropped vPrev or w): the space may reuse its storage. Default: nothing. */
    default void release(V v) {
    }

    /**
     * The unit Rademacher start vector, entries +-1 / sqrt(P) with the signs of {@link Vectors#rademacher} (host
     * randomness, so every space draws the same signs).
     */
    default V rademacher(SplittableRandom rng) {
        double[] v = Vectors.rademacher(dimension(), rng);
        Vectors.scaleInPlace(1 / Math.sqrt(v.length), v);
        return fromHost(v);
    }

    /** A Gaussian vector (host randomness, so host and device runs draw the same numbers). */
    default V gaussian(SplittableRandom rng) {
        return fromHost(Vectors.gaussian(dimension(), rng));
    }
}
