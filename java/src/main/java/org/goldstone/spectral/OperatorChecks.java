package org.goldstone.spectral;

import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;

/**
 * Cheap checks that an operator deserves the name {@link SymmetricOperator}. The estimators of this package assume
 * u.Av = v.Au; a Hessian-vector product with a bug in one layer's R-op usually breaks exactly that (SCIENCE d.1:
 * symmetry holds to 1e-10 relative in double precision).
 */
public final class OperatorChecks {
    private OperatorChecks() {
    }

    /**
     * Relative asymmetry |u.Av - v.Au| / (|u||Av| + |v||Au|) for Gaussian u, v drawn from rng (two applications of
     * A). 0 for an exactly symmetric operator, about 1e-16 sqrt(P) for a rounded symmetric one, O(1) for a generic
     * non-symmetric one; 0 when A u = A v = 0.
     *
     * @throws NonFiniteProbeException if A u or A v has a non-finite entry
     */
    public static double asymmetry(SymmetricOperator a, SplittableRandom rng) {
        int p = a.dimension();
        double[] u = Vectors.gaussian(p, rng), v = Vectors.gaussian(p, rng);
        double[] au = new double[p], av = new double[p];
        a.apply(u, au);
        int bad = Vectors.firstNonFinite(au);
        if (bad >= 0) {
            throw new NonFiniteProbeException("asymmetry", 1, NonFiniteProbeException.describe(au, bad), null, null);
        }
        a.apply(v, av);
        bad = Vectors.firstNonFinite(av);
        if (bad >= 0) {
            throw new NonFiniteProbeException("asymmetry", 2, NonFiniteProbeException.describe(av, bad), null, null);
        }
        double num = Math.abs(Vectors.dot(u, av) - Vectors.dot(v, au));
        double den = Vectors.norm(u) * Vectors.norm(av) + Vectors.norm(v) * Vectors.norm(au);
        return den == 0 ? 0 : num / den;
    }

    /**
     * Throws unless {@link #asymmetry} is at most threshold.
     *
     * @return the measured asymmetry
     * @throws GoldstoneException "operator is not symmetric: asymmetry X > threshold Y"
     */
    public static double requireSymmetric(SymmetricOperator a, double threshold, SplittableRandom rng) {
        if (!(threshold >= 0)) {
            throw new GoldstoneException("symmetry threshold must be >= 0, got " + threshold);
        }
        double s = asymmetry(a, rng);
        if (!(s <= threshold)) {
            throw new GoldstoneException("operator is not symmetric: asymmetry |u.Av - v.Au| / (|u||Av| + |v||Au|) = "
                    + s + " > threshold " + threshold + " (P = " + a.dimension() + ")");
        }
        return s;
    }
}
