package org.goldstone.conservation;

/**
 * How far one set's measured charge strayed from its predictions over a monitored run (steps 0..n).
 *
 * @param maxExactError max_n |charge_n - exact_n| (the exact discrete law)
 * @param maxContinuousError max_n |charge_n - continuous_n| (the Neural-Mechanics continuous prediction)
 * @param maxAbsCharge max_n |charge_n|
 * @param maxMagnitude max_n of {@link SymmetrySet#magnitude}: the size rounding errors of the charge scale with
 */
public record Deviation(SymmetrySet set, double maxExactError, double maxContinuousError, double maxAbsCharge,
                        double maxMagnitude) {
    /** maxExactError / maxAbsCharge. */
    public double exactRelative() {
        return maxExactError / maxAbsCharge;
    }

    /** maxContinuousError / maxAbsCharge. */
    public double continuousRelative() {
        return maxContinuousError / maxAbsCharge;
    }

    /** maxExactError / maxMagnitude: the error in units of the charge's floating-point size. */
    public double exactRelativeToMagnitude() {
        return maxExactError / maxMagnitude;
    }
}
