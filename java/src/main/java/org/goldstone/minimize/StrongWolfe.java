package org.goldstone.minimize;

/**
 * Line search for phi(alpha) = F(x + alpha p) that returns a step satisfying the strong Wolfe conditions
 * <pre>
 *   phi(alpha) &lt;= phi(0) + c1 alpha phi'(0)          (sufficient decrease)
 *   |phi'(alpha)| &lt;= c2 |phi'(0)|                      (curvature)
 * </pre>
 * with c1 = 1e-4, c2 = 0.9: Nocedal and Wright, Numerical Optimization (2nd ed.), Algorithm 3.5 (bracketing by
 * expansion) and Algorithm 3.6 (zoom), trial steps from the cubic interpolation of eq. (3.59), safeguarded to the
 * middle 80% of the bracket.
 *
 * <p>Near a minimum with F* != 0, phi changes only at the level of the rounding error of F, and the sufficient
 * decrease test becomes a coin toss. Once the predicted decrease |alpha phi'(0)| is below {@value #APPROX_SCALE}
 * |phi(0)|, a step is also accepted under the approximate Wolfe conditions of Hager and Zhang (SIAM J. Optim. 16,
 * 2005): phi(alpha) &lt;= phi(0) + {@value #VALUE_NOISE} |phi(0)| (no increase beyond rounding) and the curvature
 * condition, which rests on the gradient and stays accurate.
 *
 * <p>A non-finite phi or gradient at a trial step counts as "too far": the step shrinks.
 */
final class StrongWolfe {
    static final double C1 = 1e-4;
    static final double C2 = 0.9;
    /** Relative rounding allowance on F: about 10^4 ulp, the error of a sum of many terms. */
    static final double VALUE_NOISE = 1e-12;
    /** Relative predicted decrease below which the approximate Wolfe test is allowed. */
    static final double APPROX_SCALE = 1e-8;
    private static final int MAX_EVALUATIONS = 60;
    private static final double EXPAND = 4;

    enum Outcome {
        /** The step satisfies the strong (or approximate) Wolfe conditions. */
        WOLFE,
        /** The search ran out; the step decreases F but the curvature condition may fail. */
        DECREASE_ONLY,
        /** No step with phi(alpha) &lt; phi(0) was found. */
        FAILED
    }

    private final Objective f;
    private final double[] xTrial;
    private final double[] gTrial;
    /** The accepted point: x + alpha p and its gradient. */
    final double[] xOut;
    final double[] gOut;
    double alpha;
    double value;
    int evaluations;

    private double[] x0;
    private double[] p;
    private double phi0;
    private double dphi0;
    private double noise;
    private double phiTrial;
    private double dphiTrial;
    private int budget;

    StrongWolfe(Objective f) {
        this.f = f;
        int n = f.dimension();
        xTrial = new double[n];
        gTrial = new double[n];
        xOut = new double[n];
        gOut = new double[n];
    }

    /**
     * Searches along p from x (value phi0, directional derivative dphi0 = g.p &lt; 0), starting at alpha1.
     * x, p: read. On WOLFE or DECREASE_ONLY the step is in {@link #alpha}, {@link #value}, {@link #xOut},
     * {@link #gOut}.
     */
    Outcome search(double[] x, double phi0, double dphi0, double[] p, double alpha1) {
        if (!(dphi0 < 0)) {
            throw new IllegalArgumentException("line search direction: expected phi'(0) < 0, found " + dphi0);
        }
        this.x0 = x;
        this.p = p;
        this.phi0 = phi0;
        this.dphi0 = dphi0;
        this.noise = VALUE_NOISE * Math.abs(phi0);
        this.budget = MAX_EVALUATIONS;
        double bestAlpha = 0;
        double bestPhi = phi0;
        double prevAlpha = 0;
        double prevPhi = phi0;
        double prevDphi = dphi0;
        double a = alpha1;
        for (int i = 0; budget > 0; i++) {
            evaluate(a);
            if (!finiteTrial()) {
                return zoom(prevAlpha, prevPhi, prevDphi, a, Double.NaN, Double.NaN, bestAlpha, bestPhi);
            }
            if (acceptable(a)) {
                return accept(a, Outcome.WOLFE);
            }
            if (phiTrial > phi0 + C1 * a * dphi0 || (i > 0 && phiTrial >= prevPhi)) {
                return zoom(prevAlpha, prevPhi, prevDphi, a, phiTrial, dphiTrial, bestAlpha, bestPhi);
            }
            // sufficient decrease holds here
            keepBest(a);
            bestAlpha = a;
            bestPhi = phiTrial;
            if (dphiTrial >= 0) {
                return zoom(a, phiTrial, dphiTrial, prevAlpha, prevPhi, prevDphi, bestAlpha, bestPhi);
            }
            prevAlpha = a;
            prevPhi = phiTrial;
            prevDphi = dphiTrial;
            a *= EXPAND;
        }
        return bestAlpha > 0 ? Outcome.DECREASE_ONLY : Outcome.FAILED;
    }

    /**
     * Algorithm 3.6: lo satisfies sufficient decrease and has the lowest phi seen; the bracket [lo, hi] (either
     * order) contains a Wolfe step because phi'(lo) (hi - lo) &lt; 0. Non-finite phiHi means hi was not evaluable.
     */
    private Outcome zoom(double lo, double phiLo, double dphiLo, double hi, double phiHi, double dphiHi,
                         double bestAlpha, double bestPhi) {
        while (budget > 0) {
            double width = hi - lo;
            if (Math.abs(width) <= 1e-15 * Math.max(Math.abs(lo), Math.abs(hi))) {
                break;
            }
            double a;
            if (Double.isFinite(phiHi) && Double.isFinite(dphiHi)) {
                a = cubicMinimizer(lo, phiLo, dphiLo, hi, phiHi, dphiHi);
                double lower = Math.min(lo, hi) + 0.1 * Math.abs(width);
                double upper = Math.max(lo, hi) - 0.1 * Math.abs(width);
                if (!(a >= lower && a <= upper)) {
                    a = lo + 0.5 * width;
                }
            } else {
                // hi overflowed: shrink hard toward lo
                a = lo + 0.1 * width;
            }
            evaluate(a);
            if (!finiteTrial()) {
                hi = a;
                phiHi = Double.NaN;
                dphiHi = Double.NaN;
                continue;
            }
            if (acceptable(a)) {
                return accept(a, Outcome.WOLFE);
            }
            if (phiTrial > phi0 + C1 * a * dphi0 || phiTrial >= phiLo) {
                hi = a;
                phiHi = phiTrial;
                dphiHi = dphiTrial;
            } else {
                if (dphiTrial * (hi - lo) >= 0) {
                    hi = lo;
                    phiHi = phiLo;
                    dphiHi = dphiLo;
                }
                lo = a;
                phiLo = phiTrial;
                dphiLo = dphiTrial;
                keepBest(a);
                bestAlpha = a;
                bestPhi = phiTrial;
            }
        }
        if (bestAlpha > 0 && bestPhi < phi0) {
            alpha = bestAlpha;
            value = bestPhi;
            return Outcome.DECREASE_ONLY;
        }
        return Outcome.FAILED;
    }

    private void evaluate(double a) {
        VectorMath.step(x0, a, p, xTrial);
        phiTrial = f.valueAndGradient(xTrial, gTrial);
        dphiTrial = VectorMath.dot(gTrial, p);
        evaluations++;
        budget--;
    }

    private boolean finiteTrial() {
        return Double.isFinite(phiTrial) && Double.isFinite(dphiTrial) && VectorMath.allFinite(gTrial);
    }

    private boolean acceptable(double a) {
        boolean curvature = Math.abs(dphiTrial) <= -C2 * dphi0;
        if (!curvature) {
            return false;
        }
        if (phiTrial <= phi0 + C1 * a * dphi0) {
            return true;
        }
        boolean approxAllowed = -a * dphi0 <= APPROX_SCALE * Math.abs(phi0);
        return approxAllowed && phiTrial <= phi0 + noise;
    }

    private Outcome accept(double a, Outcome outcome) {
        keepBest(a);
        return outcome;
    }

    /** Copies the trial point into the output buffers. */
    private void keepBest(double a) {
        System.arraycopy(xTrial, 0, xOut, 0, xOut.length);
        System.arraycopy(gTrial, 0, gOut, 0, gOut.length);
        alpha = a;
        value = phiTrial;
    }

    /**
     * Minimizer of the cubic that interpolates phi and phi' at a and b (Nocedal and Wright eq. 3.59); NaN when the
     * cubic has no real minimizer.
     */
    static double cubicMinimizer(double a, double fa, double da, double b, double fb, double db) {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (!(disc >= 0)) {
            return Double.NaN;
        }
        double d2 = Math.signum(b - a) * Math.sqrt(disc);
        double denom = db - da + 2 * d2;
        if (denom == 0) {
            return Double.NaN;
        }
        return b - (b - a) * (db + d2 - d1) / denom;
    }
}
