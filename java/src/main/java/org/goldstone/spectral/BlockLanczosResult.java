package org.goldstone.spectral;

import java.util.List;
import org.goldstone.GoldstoneException;

/**
 * What a {@link BlockLanczos} run leaves behind: the block tridiagonal T (n x n, n = sum of the block widths), its
 * eigenvalues ascending (Ritz values) and the weights (1/b_1) sum_{r &lt; b_1} Q[r][i]^2 of the start block's
 * averaged spectral measure (they sum to 1); blockWidths[j] is the width of block j + 1 (b, except a last block
 * cut to fit P); deflations lists the block steps j (from 1) after which a rank-deficient residual block was
 * completed with random orthogonal columns.
 */
public record BlockLanczosResult(double[] ritzValues, double[] ritzWeights, double[][] blockTridiagonal,
                                 int[] blockWidths, List<Integer> deflations) {
    public BlockLanczosResult {
        int n = 0;
        for (int w : blockWidths) {
            n += w;
        }
        if (ritzValues.length != n || ritzWeights.length != n || blockTridiagonal.length != n) {
            throw new GoldstoneException("BlockLanczosResult: block widths sum to " + n + " but got "
                    + ritzValues.length
                    + " Ritz values, " + ritzWeights.length + " weights and a " + blockTridiagonal.length + "-row T");
        }
        deflations = List.copyOf(deflations);
    }

    /** n, the size of T (the dimension of the block Krylov basis). */
    public int size() {
        return ritzValues.length;
    }

    /** The number of block steps completed. */
    public int steps() {
        return blockWidths.length;
    }

    /** How many Ritz values lie within tol of value (for example the multiplicity of a zero cluster). */
    public int countNear(double value, double tol) {
        int c = 0;
        for (double t : ritzValues) {
            if (Math.abs(t - value) <= tol) {
                c++;
            }
        }
        return c;
    }
}
