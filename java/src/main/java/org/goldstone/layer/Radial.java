package org.goldstone.layer;

/**
 * A radial profile with its invariant shape constants: the complete description of one norm nonlinearity.
 *
 * @param profile which h(q)
 * @param a GATE slope (ignored by the others)
 * @param b GATE offset, MODRELU radius bias, CUBIC mu (ignored by the others)
 */
public record Radial(RadialProfile profile, double a, double b) {
    public Radial {
        if (profile == null) {
            throw new IllegalArgumentException("radial profile: expected one of ALG, RTANH, GATE, MODRELU,"
                    + " PHASE, CUBIC,"
                    + " found null");
        }
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("radial constants: expected finite a, b, found " + a + ", " + b);
        }
    }

    /** The profile with its default constants (GATE a = -1, b = 0; MODRELU b = -0.1; CUBIC mu = 1). */
    public static Radial of(RadialProfile profile) {
        return new Radial(profile, profile.defaultA(), profile.defaultB());
    }

    public double h(double q) {
        return profile.h(q, a, b);
    }

    public double dh(double q) {
        return profile.dh(q, a, b);
    }

    public double d2h(double q) {
        return profile.d2h(q, a, b);
    }

    /** h(0), the slope of rho at the origin; infinite for PHASE. */
    public double h0() {
        return profile == RadialProfile.PHASE ? Double.POSITIVE_INFINITY : h(0.0);
    }

    /**
     * Critical weight scale sigma_c = 1 / h(0) (SCIENCE b.1): the default sigma_w. Profiles with h(0) = 0 or
     * infinite have no continuous transition; they default to 1.
     */
    public double criticalSigmaW() {
        double h0 = h0();
        return h0 > 0 && Double.isFinite(h0) ? 1.0 / h0 : 1.0;
    }
}
