package org.goldstone.diagnostics;

/**
 * Every diagnostic of one representation level (SCIENCE f.2, f.3, f.4).
 *
 * @param level 0 = embedding output, 1..L internal
 * @param features real features per sample, n_l k
 * @param featureRank rank of the batch-centered probe features
 * @param weightRank rank of the weights producing the level (U(1): complex)
 * @param diversity mean c-hat over probe pairs
 * @param nc1 NC1 of this level's features
 * @param symmetry unit collapse and permutation distances
 */
public record LevelDiagnostics(int level, int features, RankSummary featureRank, RankSummary weightRank,
                               double diversity, double nc1, LevelSymmetry symmetry) {
}
