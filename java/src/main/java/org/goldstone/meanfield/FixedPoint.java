package org.goldstone.meanfield;

/**
 * The single-input mean-field state at one weight scale (SCIENCE b.1, b.3), per unit.
 *
 * @param sigmaW weight scale sigma_w
 * @param q fixed point q* of q -> sigma_w^2 E_u[q u h(q u)^2]; 0 in the symmetric phase
 * @param radialMultiplier sigma_w^2 E[rho'(r)^2] at q* (sigma_w^2 h(0)^2 at q* = 0)
 * @param tangentialMultiplier sigma_w^2 E[(rho(r)/r)^2] = sigma_w^2 E[h(r^2)^2] at q*
 * @param chi1 (radial + (k - 1) tangential) / k, the gain of an isotropic perturbation
 * @param chiQ dq'/dq at q*, the relaxation rate of the order parameter
 * @param depthScale xi = -1 / ln|chiQ| (xi_q in the broken phase, xi_0 in the symmetric phase); infinite at and
 *                   beyond marginality (|chiQ| >= 1)
 */
public record FixedPoint(double sigmaW, double q, double radialMultiplier, double tangentialMultiplier, double chi1,
                         double chiQ, double depthScale) {
    /** sigma_w^2. */
    public double sigmaW2() {
        return sigmaW * sigmaW;
    }

    /** True in the broken phase (q* > 0). */
    public boolean broken() {
        return q > 0;
    }
}
