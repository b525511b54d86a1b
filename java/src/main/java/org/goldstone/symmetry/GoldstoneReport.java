package org.goldstone.symmetry;

import java.util.List;
import java.util.Locale;

/**
 * The Goldstone-mode accounting at one set of parameters (SCIENCE d.8): the predicted symmetry families with their
 * numerical ranks and identity residuals, the measured near-zero (and, with weight decay lambda, near-lambda)
 * eigenvalues of the Hessian of F = loss + (lambda/2)|theta|^2, and what is left unexplained.
 *
 * @param parameters P
 * @param lambda weight decay
 * @param lambdaMax largest |eigenvalue| of H_F
 * @param gradientNorm |grad F| (a clean count needs a critical point)
 * @param families one entry per symmetry family
 * @param predictedZero numerical rank of the tangents that must be null vectors of H_F (rotations and phases; all
 *     families when lambda = 0)
 * @param measuredZero eigenvalues with |mu| < zeroTolerance * lambdaMax (-1: not measured, matrix-free run)
 * @param predictedAtLambda rank of the softmax translations (eigenvalue exactly lambda when lambda > 0)
 * @param measuredAtLambda eigenvalues within lambdaTolerance * lambdaMax of lambda, not counted as zero (-1: not
 *     measured)
 * @param unexplained measured minus predicted where positive, zero and lambda clusters together
 * @param missing predicted minus measured where positive
 * @param minPrincipalCosine smallest cosine of the principal angles between the predicted null space and the
 *     measured near-zero eigenvectors (NaN when the dimensions differ or nothing was measured)
 * @param nextAboveZero smallest |mu| / lambdaMax outside the zero cluster (the gap; NaN if not measured)
 * @param largestZero largest |mu| / lambdaMax inside the zero cluster (NaN if none or not measured)
 * @param eigenvalues all eigenvalues ascending (dense runs), else empty
 * @param deadUnits units whose incoming and outgoing weights are all (numerically) zero: fixed points of more
 *     than the symmetry, so they add flat directions the generic count does not predict (d.7, h.2)
 */
public record GoldstoneReport(int parameters, double lambda, double lambdaMax, double gradientNorm,
                              List<Family> families, int predictedZero, int measuredZero, int predictedAtLambda,
                              int measuredAtLambda, int unexplained, int missing, double minPrincipalCosine,
                              double nextAboveZero, double largestZero, double zeroTolerance, double[] eigenvalues,
                              List<String> deadUnits) {
    /**
     * One symmetry family.
     *
     * @param checked tangents whose Hessian identity was evaluated (all of them in dense runs)
     * @param maxResidual max over checked tangents of |H_L t - expected| / (lambdaMax |t|)
     * @param maxGradientCosine max |cos(grad L, t)|
     * @param maxRayleigh max t.H_F t / (lambdaMax |t|^2) over the family (-> 0 for zero modes at a minimum)
     */
    public record Family(String name, String kind, int tangents, int rank, int checked, double maxResidual,
                         double maxGradientCosine, double maxRayleigh) { }

    /** "predicted N, measured M, unexplained U" and one line per family. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "P = %d, lambda = %.3g, lambda_max = %.6g, |grad F| = %.3g%n", parameters,
                lambda, lambdaMax, gradientNorm));
        for (Family f : families) {
            sb.append(String.format(Locale.ROOT, "  %-22s %-11s %5d tangents, rank %4d; checked %d: max |H t - A g| /"
                            + " (lambda_max |t|) %.2e, max |cos(g, t)| %.2e, max Rayleigh %.2e%n", f.name(), f.kind(),
                    f.tangents(), f.rank(), f.checked(), f.maxResidual(), f.maxGradientCosine(), f.maxRayleigh()));
        }
        if (measuredZero >= 0) {
            sb.append(String.format(Locale.ROOT, "zero modes: predicted %d, measured %d (|mu| < %.0e lambda_max)",
                    predictedZero, measuredZero, zeroTolerance));
            if (lambda > 0) {
                sb.append(String.format(Locale.ROOT, "; at lambda: predicted %d, measured %d", predictedAtLambda,
                        measuredAtLambda));
            }
            sb.append(String.format(Locale.ROOT, "; unexplained %d, missing %d%n", unexplained, missing));
            sb.append(String.format(Locale.ROOT, "largest zero %.2e lambda_max, next eigenvalue %.2e lambda_max,"
                    + " min principal cosine %.12f%n", largestZero, nextAboveZero, minPrincipalCosine));
            if (unexplained > 0 && !deadUnits.isEmpty()) {
                sb.append("the unexplained modes come with dead units (zero incoming and outgoing weights), which the"
                        + " generic count leaves out: ").append(String.join(", ", deadUnits)).append('\n');
            }
        } else {
            sb.append(String.format(Locale.ROOT, "zero modes: predicted %d (generic rank); measured: not computed"
                    + " (P too large for the dense eigensolver)%n", predictedZero));
        }
        return sb.toString();
    }
}
