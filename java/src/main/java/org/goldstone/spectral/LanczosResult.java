package org.goldstone.spectral;

import java.util.List;
import org.goldstone.GoldstoneException;

/**
 * What a {@link Lanczos} run of m steps leaves behind (SCIENCE d.4), numbered as there: steps j = 1..m.
 *
 * <ul>
 *   <li>{@code alpha[j-1] = alpha_j = v_j.A v_j}, the diagonal of T_m;</li>
 *   <li>{@code beta[j-1] = beta_j}, the norm of the residual after step j; beta_1..beta_{m-1} are the off-diagonal
 *       of T_m and beta_m is the final residual (Ritz residuals are beta_m |Q[m-1][i]|). A breakdown at step j is
 *       stored as beta_j = 0: the next basis vector is a fresh random start, not coupled to the previous ones, so
 *       T_m is block diagonal there;</li>
 *   <li>{@code ritzValues} theta_i: eigenvalues of T_m = Q Theta Q^T, ascending;</li>
 *   <li>{@code ritzWeights} tau_i^2 = Q[0][i]^2, the Gauss quadrature weights of the start vector's spectral
 *       measure (they sum to 1; restart blocks get weight 0);</li>
 *   <li>{@code ritzCoefficients} Q, with Q[k][i] the coefficient of basis vector v_{k+1} in Ritz vector i;</li>
 *   <li>{@code breakdowns}: the steps j at which beta_j fell below tol * max(|alpha|, beta), ascending;</li>
 *   <li>{@code basis}: the m Lanczos vectors (basis[k] = v_{k+1}) when the run kept them, else null.</li>
 * </ul>
 *
 * A record of zero steps is legal: it is the partial result of a run whose first product was non-finite.
 */
public record LanczosResult(double[] alpha, double[] beta, double[] ritzValues, double[] ritzWeights,
                            double[][] ritzCoefficients, List<Integer> breakdowns, double[][] basis,
                            Reorthogonalization reorthogonalization) {
    public LanczosResult {
        int m = alpha.length;
        if (beta.length != m || ritzValues.length != m || ritzWeights.length != m || ritzCoefficients.length != m) {
            throw new GoldstoneException("LanczosResult: expected alpha, beta, ritzValues, ritzWeights,"
                    + " ritzCoefficients of length m = " + m + ", got " + beta.length + ", " + ritzValues.length + ", "
                    + ritzWeights.length + ", " + ritzCoefficients.length);
        }
        if (basis != null && basis.length != m) {
            throw new GoldstoneException("LanczosResult: expected " + m + " basis vectors, got " + basis.length);
        }
        breakdowns = List.copyOf(breakdowns);
    }

    /** Builds T_m from alpha and beta (restarts already stored as beta = 0) and diagonalizes it. */
    static LanczosResult of(double[] alpha, double[] beta, List<Integer> breakdowns, double[][] basis,
                            Reorthogonalization reorthogonalization) {
        SymmetricEigen eig = SymmetricEigen.of(tridiagonal(alpha, beta));
        int m = alpha.length;
        double[] weights = new double[m];
        for (int i = 0; i < m; i++) {
            weights[i] = eig.vectors[0][i] * eig.vectors[0][i];
        }
        return new LanczosResult(alpha, beta, eig.values, weights, eig.vectors, breakdowns, basis, reorthogonalization);
    }

    private static double[][] tridiagonal(double[] alpha, double[] beta) {
        int m = alpha.length;
        double[][] t = new double[m][m];
        for (int j = 0; j < m; j++) {
            t[j][j] = alpha[j];
            if (j + 1 < m) {
                t[j][j + 1] = beta[j];
                t[j + 1][j] = beta[j];
            }
        }
        return t;
    }

    /** m, the number of completed steps (the size of T_m). */
    public int steps() {
        return alpha.length;
    }

    /** T_m as a dense m x m matrix (new array). */
    public double[][] tridiagonal() {
        return tridiagonal(alpha, beta);
    }

    /**
     * True when the final residual beta_m is zero: span(basis) is an invariant subspace and the Ritz values are
     * exact.
     */
    public boolean invariant() {
        return alpha.length > 0 && beta[alpha.length - 1] == 0;
    }

    public boolean hasBasis() {
        return basis != null;
    }

    /** |A y_i - theta_i y_i| for the unit Ritz vector y_i = V Q[:, i], computed as beta_m |Q[m-1][i]| (no product). */
    public double ritzResidual(int i) {
        int m = alpha.length;
        return beta[m - 1] * Math.abs(ritzCoefficients[m - 1][i]);
    }

    /**
     * Ritz vectors y_i = V Q[:, i] for the given indices into the ascending {@link #ritzValues()}.
     *
     * @throws GoldstoneException if the run did not keep its basis ({@code Lanczos.Options.withKeepBasis(true)})
     */
    public double[][] ritzVectors(int... which) {
        if (basis == null) {
            throw new GoldstoneException("Ritz vectors need the Lanczos basis: run with Options.withKeepBasis(true)");
        }
        int m = alpha.length;
        double[][] out = new double[which.length][];
        for (int r = 0; r < which.length; r++) {
            int i = which[r];
            if (i < 0 || i >= m) {
                throw new GoldstoneException("Ritz index must be in [0, " + m + "), got " + i);
            }
            double[] y = new double[basis.length == 0 ? 0 : basis[0].length];
            for (int k = 0; k < m; k++) {
                Vectors.axpyInPlace(ritzCoefficients[k][i], basis[k], y);
            }
            out[r] = y;
        }
        return out;
    }
}
