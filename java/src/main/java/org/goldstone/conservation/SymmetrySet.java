package org.goldstone.conservation;

import java.util.Arrays;

/**
 * A set A of flat parameter indices that carries one Neural-Mechanics symmetry (SCIENCE e.1), with its charge:
 * <ul>
 *   <li>TRANSLATION {@code theta_A -> theta_A + a 1}: charge {@code s = <theta_A, 1>};</li>
 *   <li>SCALE {@code theta_A -> a theta_A}: charge {@code |theta_A|^2};</li>
 *   <li>RESCALE {@code theta_A1 -> a theta_A1, theta_A2 -> theta_A2 / a}: charge
 *       {@code Q = |theta_A1|^2 - |theta_A2|^2}.</li>
 * </ul>
 * The gradient constraints (e.1) are {@code <g, 1_A> = 0}, {@code <g, theta_A> = 0} and
 * {@code <g_A1, theta_A1> - <g_A2, theta_A2> = 0}.
 *
 * @param indices A (TRANSLATION, SCALE) or A1, the incoming weights and bias (RESCALE)
 * @param outgoing A2, the outgoing weights (RESCALE); empty otherwise
 * @param name e.g. "readout input 2", "dense.1 unit 3", "level 0 unit 1"
 */
public record SymmetrySet(Kind kind, String name, int[] indices, int[] outgoing) {
    /** The symmetry families of e.1 with a conserved (or decaying) charge. */
    public enum Kind { TRANSLATION, SCALE, RESCALE }

    public SymmetrySet {
        if (kind == null || name == null) {
            throw new IllegalArgumentException("symmetry set: expected a kind and a name, found " + kind + ", "
                    + name);
        }
        if (indices == null || indices.length == 0) {
            throw new IllegalArgumentException("symmetry set " + name + ": expected at least one index, found none");
        }
        outgoing = outgoing == null ? new int[0] : outgoing.clone();
        if ((kind == Kind.RESCALE) != (outgoing.length > 0)) {
            throw new IllegalArgumentException("symmetry set " + name + ": expected outgoing indices exactly for"
                    + " RESCALE, found " + outgoing.length + " for " + kind);
        }
        indices = indices.clone();
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int[] outgoing() {
        return outgoing.clone();
    }

    /** Largest index used, for validating against a parameter count. */
    int maxIndex() {
        int m = -1;
        for (int i : indices) {
            m = Math.max(m, i);
        }
        for (int i : outgoing) {
            m = Math.max(m, i);
        }
        return m;
    }

    /** The charge at theta: s_A, |theta_A|^2, or Q. theta: read. */
    public double charge(double[] theta) {
        if (kind == Kind.TRANSLATION) {
            double s = 0;
            for (int i : indices) {
                s += theta[i];
            }
            return s;
        }
        return form(theta, theta);
    }

    /**
     * The symmetric form of the set: {@code sum_A1 u_i v_i - sum_A2 u_i v_i} (A2 empty unless RESCALE). For SCALE and
     * RESCALE the charge is {@code form(theta, theta)}.
     */
    double form(double[] u, double[] v) {
        double s = 0;
        for (int i : indices) {
            s += u[i] * v[i];
        }
        for (int i : outgoing) {
            s -= u[i] * v[i];
        }
        return s;
    }

    /**
     * The floating-point size of the charge: {@code |theta_A|_1} (TRANSLATION), {@code |theta_A|^2} (SCALE),
     * {@code |theta_A1|^2 + |theta_A2|^2} (RESCALE). Rounding errors of the charge scale with it.
     */
    public double magnitude(double[] theta) {
        double s = 0;
        if (kind == Kind.TRANSLATION) {
            for (int i : indices) {
                s += Math.abs(theta[i]);
            }
            return s;
        }
        for (int i : indices) {
            s += theta[i] * theta[i];
        }
        for (int i : outgoing) {
            s += theta[i] * theta[i];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SymmetrySet s && kind == s.kind && name.equals(s.name)
                && Arrays.equals(indices, s.indices) && Arrays.equals(outgoing, s.outgoing);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * kind.hashCode() + name.hashCode()) + Arrays.hashCode(indices))
                + Arrays.hashCode(outgoing);
    }

    @Override
    public String toString() {
        return kind + " " + name + " " + Arrays.toString(indices)
                + (outgoing.length > 0 ? " / " + Arrays.toString(outgoing) : "");
    }
}
