package org.goldstone.diagnostics;

/**
 * Neural-collapse metrics of one labelled probe batch (SCIENCE f.4, Papyan et al. definitions); each tends to 0 at
 * collapse. Only the classes present in the batch take part (C below is their number).
 *
 * @param classesPresent C
 * @param nc1 (1/C) tr(Sigma_W Sigma_B^+)
 * @param nc2Equinorm std_c |mu_c - mu_G| / mean_c |mu_c - mu_G|
 * @param nc2Equiangularity mean over c != c' of |cos(mu_c - mu_G, mu_c' - mu_G) + 1/(C-1)|
 * @param nc3 | U/|U|_F - M^T/|M|_F |_F^2, U the real readout rows of the present classes; NaN without a readout
 * @param nc4 fraction of samples whose argmax logit differs from their nearest class mean (f.4's agreement is
 *     1 - nc4); NaN without logits
 * @param classCorrelation C_all x C_all mean cosine between samples of class c and c' (distinct samples), features
 *     centered by the batch mean mu_G; NaN rows and columns for absent classes, and for a diagonal entry of a class
 *     with one sample
 */
public record CollapseMetrics(int classesPresent, double nc1, double nc2Equinorm, double nc2Equiangularity,
                              double nc3, double nc4, double[][] classCorrelation) {
}
