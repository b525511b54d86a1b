package org.goldstone.symmetry;

/**
 * One predicted symmetry direction of the parameters at theta (SCIENCE d.6), with the identity the Hessian of the
 * (weight-decay-free) loss must satisfy along it at every theta: {@code H t = expected} where
 * expected = A g for rotations/phases (A antisymmetric), -A g for scale and rescale (A symmetric), 0 for softmax
 * translations. {@code kind} says how weight decay lambda treats the direction: an exact zero mode of
 * H + lambda I (rotations are invariant), an eigenvalue lambda at a minimum (translations), or broken (scale,
 * rescale: no prediction with weight decay).
 *
 * @param family e.g. "U(1) phase gauge", "global O(3)", "softmax translation"
 * @param name e.g. "level 2 unit 0", "E_01", "readout input 5"
 */
public record Tangent(String family, String name, Kind kind, double[] vector, double[] expected) {
    /** How the direction behaves under weight decay. */
    public enum Kind {
        /** Rotation or phase: a null vector of H + lambda I at a minimum. */
        ROTATION,
        /** Affine translation: H_L t = 0 everywhere, so an eigenvector of H + lambda I with eigenvalue lambda. */
        TRANSLATION,
        /** Scale or rescale: exact for the loss alone, broken by weight decay. */
        SCALE
    }
}
