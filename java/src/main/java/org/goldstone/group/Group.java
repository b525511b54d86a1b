package org.goldstone.group;

import java.util.SplittableRandom;

/**
 * The continuous symmetry of the internal layers (SCIENCE a.1): U(1) acting on complex channels or O(k) acting on
 * k-vector channels. Activations use the unit layout of {@link org.goldstone.tensor.UnitShape} with
 * {@link #unitDim()} components per unit.
 */
public sealed interface Group permits U1, OrthogonalGroup {
    /** Real components per unit: 2 for U(1), k for O(k). */
    int unitDim();

    /** "U(1)" or "O(k)". */
    String label();

    /** A Haar-random element. */
    GroupElement sample(SplittableRandom rng);

    /** Parses "U(1)", "u1", "O(4)", "o4" (case-insensitive); k >= 1. */
    static Group parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT).replace("(", "").replace(")", "");
        if (t.equals("U1")) {
            return U1.INSTANCE;
        }
        if (t.startsWith("O") && t.length() > 1) {
            int k;
            try {
                k = Integer.parseInt(t.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("group: expected U(1) or O(k) with an integer k >= 1, found '"
                        + text + "'");
            }
            return orthogonal(k);
        }
        throw new IllegalArgumentException("group: expected U(1) or O(k) with k >= 1, found '" + text + "'");
    }

    static Group u1() {
        return U1.INSTANCE;
    }

    static Group orthogonal(int k) {
        return new OrthogonalGroup(k);
    }
}
