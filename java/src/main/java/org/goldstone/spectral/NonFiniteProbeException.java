package org.goldstone.spectral;

import org.goldstone.GoldstoneException;

/**
 * The operator returned NaN or an infinite entry inside an estimator. The message names the estimator, the step
 * (numbered from 1: the Lanczos step j of SCIENCE d.4, the power-iteration sweep, the Hutchinson probe) and the first
 * bad entry; {@link #partial(Class)} gives back what had been computed before that step, so a long run is not lost:
 * a {@link LanczosResult} of the completed steps, a {@link BlockLanczosResult} of the completed blocks, a
 * {@link PowerIteration.Result} of the eigenpairs already found, a {@link HutchinsonTrace.Estimate} of the probes
 * already averaged, or a {@link SpectralDensity} of the completed probes (null when nothing was complete).
 */
public final class NonFiniteProbeException extends GoldstoneException {
    private final String estimator;
    private final int step;
    private final transient Object partial;

    NonFiniteProbeException(String estimator, int step, String detail, Object partial, Throwable cause) {
        super("non-finite operator output in " + estimator + " at step " + step + ": " + detail
                + (partial == null ? "; no partial result" : "; partial result attached"), cause);
        this.estimator = estimator;
        this.step = step;
        this.partial = partial;
    }

    /** "Lanczos", "BlockLanczos", "PowerIteration", "HutchinsonTrace", "SpectralDensity" or "asymmetry". */
    public String estimator() {
        return estimator;
    }

    /** The step that produced the bad value, numbered from 1. */
    public int step() {
        return step;
    }

    public boolean hasPartial() {
        return partial != null;
    }

    /**
     * The partial result as the estimator's own type.
     *
     * @throws GoldstoneException if there is none or it is of another type (expected and actual named)
     */
    public <T> T partial(Class<T> type) {
        if (!type.isInstance(partial)) {
            throw new GoldstoneException("partial result of " + estimator + " is "
                    + (partial == null ? "absent" : partial.getClass().getSimpleName()) + ", not "
                    + type.getSimpleName());
        }
        return type.cast(partial);
    }

    static String describe(double[] out, int index) {
        return "entry " + index + " of A v is " + out[index];
    }
}
