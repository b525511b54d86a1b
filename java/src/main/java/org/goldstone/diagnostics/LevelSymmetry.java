package org.goldstone.diagnostics;

/**
 * Unit collapse at one representation level (SCIENCE f.1, f.2).
 *
 * @param level representation level (0 = embedding output, 1..L internal)
 * @param units n_l
 * @param tau relative collapse threshold: pair (i, j) is collapsed when D_ij <= tau (|w_i|^2 + |w_j|^2 + |u_i|^2
 *     + |u_j|^2)
 * @param collapsedPairs number of collapsed pairs i < j
 * @param collapsedFraction collapsedPairs / (n_l (n_l - 1) / 2); 0 when n_l = 1
 * @param distinctUnits connected components of the collapsed-pair graph
 * @param degreeOfBreaking distinctUnits / n_l (1 = fully broken permutation symmetry)
 * @param minPairDelta min over pairs of the swap distance Delta_ij = sqrt(D_ij / 2) (f.1); NaN when n_l = 1
 * @param permutationDelta distance to the permutation-symmetric subspace, sqrt(sum_{i<j} D_ij / n_l): exact for real
 *     and O(k) nets; for U(1) the same formula on the gauge-quotiented D_ij [P]
 * @param components component label (0-based, in order of first unit) of every unit
 */
public record LevelSymmetry(int level, int units, double tau, int collapsedPairs, double collapsedFraction,
                            int distinctUnits, double degreeOfBreaking, double minPairDelta, double permutationDelta,
                            int[] components) {
}
