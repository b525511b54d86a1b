package org.goldstone.optim;

import java.util.Locale;

/**
 * Learning-rate multiplier as a function of the step (0-based): a linear warm-up over {@code warmupSteps}
 * (from 1/warmup to 1), then CONSTANT (1), STEP (gamma^(floor((t - warmup) / stepSize))) or COSINE
 * (minFactor + (1 - minFactor) (1 + cos(pi u)) / 2 with u = (t - warmup) / (totalSteps - warmup)).
 */
public record Schedule(Kind kind, long warmupSteps, long stepSize, double gamma, long totalSteps, double minFactor) {
    /** Decay shapes after the warm-up. */
    public enum Kind { CONSTANT, STEP, COSINE }

    public Schedule {
        if (kind == null) {
            throw new IllegalArgumentException("schedule: expected constant, step or cosine, found null");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("schedule: expected warm-up steps >= 0, found " + warmupSteps);
        }
        if (kind == Kind.STEP && (stepSize < 1 || !(gamma > 0 && gamma <= 1))) {
            throw new IllegalArgumentException("schedule step: expected step size >= 1 and gamma in (0, 1], found "
                    + stepSize + ", " + gamma);
        }
        if (kind == Kind.COSINE && totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("schedule cosine: expected total steps > warm-up " + warmupSteps
                    + ", found " + totalSteps);
        }
        if (!(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("schedule: expected min factor in [0, 1], found " + minFactor);
        }
    }

    public static Schedule constant() {
        return new Schedule(Kind.CONSTANT, 0, 1, 1, 0, 0);
    }

    public Schedule withWarmup(long steps) {
        return new Schedule(kind, steps, stepSize, gamma, totalSteps, minFactor);
    }

    public static Kind parseKind(String text) {
        try {
            return Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule: expected constant, step or cosine, found '" + text + "'");
        }
    }

    /** Multiplier of the peak learning rate at step t (0-based). */
    public double factor(long t) {
        if (t < warmupSteps) {
            return (t + 1.0) / warmupSteps;
        }
        long after = t - warmupSteps;
        switch (kind) {
            case STEP:
                return Math.pow(gamma, after / stepSize);
            case COSINE: {
                double u = Math.min(1.0, after / (double) (totalSteps - warmupSteps));
                return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * u));
            }
            default:
                return 1.0;
        }
    }
}
