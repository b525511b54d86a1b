package org.goldstone.diagnostics;

/**
 * Numerical and effective rank of one matrix from its singular values s_1 >= s_2 >= ... (SCIENCE f.3).
 *
 * @param rankAt1e3 #{s_i > 1e-3 s_1}
 * @param rankAt1e6 #{s_i > 1e-6 s_1}
 * @param effectiveRank exp(-sum p_i ln p_i), p_i = s_i / sum s; 0 for a zero matrix
 * @param size min(rows, cols), the largest possible rank
 * @param topSingularValue s_1
 */
public record RankSummary(int rankAt1e3, int rankAt1e6, double effectiveRank, int size, double topSingularValue) {
    /** The summary of descending singular values. */
    public static RankSummary of(double[] singularValues) {
        return new RankSummary(Ranks.numericalRank(singularValues, 1e-3), Ranks.numericalRank(singularValues, 1e-6),
                Ranks.effectiveRank(singularValues), singularValues.length,
                singularValues.length == 0 ? 0.0 : singularValues[0]);
    }
}
