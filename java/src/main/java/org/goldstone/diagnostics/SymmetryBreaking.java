package org.goldstone.diagnostics;

import java.util.List;
import org.goldstone.net.FeedForwardNet;

/**
 * Symmetry-breaking distances and the degree of symmetry per layer (SCIENCE f.1, f.2) from the unit weights of a
 * {@link FeedForwardNet}. Pair distance of units i, j at one level, with incoming w and outgoing u:
 * <ul>
 *   <li>real and O(k) nets: {@code D_ij = |w_i - w_j|^2 + |u_i - u_j|^2} on the real weights (O(k) units are
 *       identical only up to the global group, which acts on all units alike);</li>
 *   <li>U(1) nets, quotiented by the per-unit phase gauge: {@code D_ij = min_beta |w_i - e^{i beta} w_j|^2
 *       + |u_i - e^{-i beta} u_j|^2 = |w_i|^2 + |w_j|^2 + |u_i|^2 + |u_j|^2 - 2 |<w_i, w_j> + conj<u_i, u_j>|} at
 *       internal levels, and with {@code e^{+i beta}}, i.e. {@code + <u_i, u_j>}, at level L, whose outgoing
 *       vectors are readout columns; {@code <a, b> = a^H b}.</li>
 * </ul>
 * D_ij is evaluated at the minimizing phase as a sum of squared differences, so it stays accurate (and >= 0) for
 * nearly collapsed units. theta: read.
 */
public final class SymmetryBreaking {
    /** Default relative collapse threshold tau of f.2. */
    public static final double DEFAULT_TAU = 1e-3;

    private SymmetryBreaking() {
    }

    /** The symmetric n_l x n_l matrix of pair distances D_ij at {@code level} (zero diagonal). */
    public static double[][] pairDistances(FeedForwardNet net, double[] theta, int level) {
        return distances(UnitVectors.of(net, theta, level));
    }

    /** The swap distance Delta_ij = sqrt(D_ij / 2) of f.1: distance of theta to the nearest i <-> j symmetric point. */
    public static double pairDelta(FeedForwardNet net, double[] theta, int level, int i, int j) {
        UnitVectors v = UnitVectors.of(net, theta, level);
        if (i < 0 || j < 0 || i >= v.units || j >= v.units) {
            throw new IllegalArgumentException("pair delta: expected units in 0.." + (v.units - 1) + ", found "
                    + i + ", " + j);
        }
        return Math.sqrt(distance(v, i, j) / 2);
    }

    /** Collapse statistics of one level with threshold tau (f.2). */
    public static LevelSymmetry level(FeedForwardNet net, double[] theta, int level, double tau) {
        if (!(tau >= 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("collapse threshold: expected a finite tau >= 0, found " + tau);
        }
        UnitVectors v = UnitVectors.of(net, theta, level);
        int n = v.units;
        double[][] dist = distances(v);
        double[] norm = new double[n];
        for (int j = 0; j < n; j++) {
            norm[j] = v.squaredNorm(j);
        }
        int[] parent = new int[n];
        for (int j = 0; j < n; j++) {
            parent[j] = j;
        }
        int collapsed = 0;
        double sum = 0, min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dij = dist[i][j];
                sum += dij;
                min = Math.min(min, dij);
                if (dij <= tau * (norm[i] + norm[j])) {
                    collapsed++;
                    union(parent, i, j);
                }
            }
        }
        int[] components = new int[n];
        int[] labelOfRoot = new int[n];
        java.util.Arrays.fill(labelOfRoot, -1);
        int distinct = 0;
        for (int j = 0; j < n; j++) {
            int r = find(parent, j);
            if (labelOfRoot[r] < 0) {
                labelOfRoot[r] = distinct++;
            }
            components[j] = labelOfRoot[r];
        }
        long pairs = (long) n * (n - 1) / 2;
        return new LevelSymmetry(level, n, tau, collapsed, pairs == 0 ? 0.0 : (double) collapsed / pairs, distinct,
                (double) distinct / n, pairs == 0 ? Double.NaN : Math.sqrt(min / 2), Math.sqrt(sum / n), components);
    }

    /** {@link #level} for every level 0..L. */
    public static List<LevelSymmetry> levels(FeedForwardNet net, double[] theta, double tau) {
        LevelSymmetry[] out = new LevelSymmetry[net.spec().depth() + 1];
        for (int l = 0; l < out.length; l++) {
            out[l] = level(net, theta, l, tau);
        }
        return List.of(out);
    }

    /**
     * The general symmetry-breaking distance of f.1 for a finite group acting orthogonally on theta:
     * {@code Delta_G = |theta - Pi_G theta|} with Pi_G theta the average of the orbit {@code {g theta : g in G}}
     * (which must list every element once, the identity included). theta, orbit: read.
     */
    public static double groupAverageDistance(double[] theta, List<double[]> orbit) {
        if (orbit == null || orbit.isEmpty()) {
            throw new IllegalArgumentException("group average: expected a non-empty orbit, found "
                    + (orbit == null ? "null" : "none"));
        }
        double[] mean = new double[theta.length];
        for (double[] g : orbit) {
            if (g.length != theta.length) {
                throw new IllegalArgumentException("group average: expected orbit points of " + theta.length
                        + " parameters, found " + g.length);
            }
            for (int p = 0; p < theta.length; p++) {
                mean[p] += g[p];
            }
        }
        double s = 0;
        for (int p = 0; p < theta.length; p++) {
            double r = theta[p] - mean[p] / orbit.size();
            s += r * r;
        }
        return Math.sqrt(s);
    }

    static double[][] distances(UnitVectors v) {
        int n = v.units;
        double[][] dist = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dij = distance(v, i, j);
                dist[i][j] = dij;
                dist[j][i] = dij;
            }
        }
        return dist;
    }

    static double distance(UnitVectors v, int i, int j) {
        if (!v.complex) {
            return diff2(v.inRe[i], v.inRe[j]) + diff2(v.outRe[i], v.outRe[j]);
        }
        // s = <w_i, w_j> + conj<u_i, u_j> (internal) or + <u_i, u_j> (readout); optimum e^{i beta} = conj(s)/|s|
        double aRe = 0, aIm = 0;
        double[] wr1 = v.inRe[i], wi1 = v.inIm[i], wr2 = v.inRe[j], wi2 = v.inIm[j];
        for (int p = 0; p < wr1.length; p++) {                // conj(w_i) w_j
            aRe += wr1[p] * wr2[p] + wi1[p] * wi2[p];
            aIm += wr1[p] * wi2[p] - wi1[p] * wr2[p];
        }
        double bRe = 0, bIm = 0;
        double[] ur1 = v.outRe[i], ui1 = v.outIm[i], ur2 = v.outRe[j], ui2 = v.outIm[j];
        for (int p = 0; p < ur1.length; p++) {
            bRe += ur1[p] * ur2[p] + ui1[p] * ui2[p];
            bIm += ur1[p] * ui2[p] - ui1[p] * ur2[p];
        }
        double sRe = aRe + bRe, sIm = v.readout ? aIm + bIm : aIm - bIm;
        double abs = Math.hypot(sRe, sIm);
        double c = abs == 0 ? 1.0 : sRe / abs, s = abs == 0 ? 0.0 : -sIm / abs;   // e^{i beta} = c + i s
        double dw = rotatedDiff2(wr1, wi1, wr2, wi2, c, s);
        double du = rotatedDiff2(ur1, ui1, ur2, ui2, c, v.readout ? s : -s);
        return dw + du;
    }

    /** |x - (c + i s) y|^2 for planar complex x, y. */
    private static double rotatedDiff2(double[] xr, double[] xi, double[] yr, double[] yi, double c, double s) {
        double sum = 0;
        for (int p = 0; p < xr.length; p++) {
            double re = xr[p] - (c * yr[p] - s * yi[p]);
            double im = xi[p] - (c * yi[p] + s * yr[p]);
            sum += re * re + im * im;
        }
        return sum;
    }

    private static double diff2(double[] a, double[] b) {
        double s = 0;
        for (int p = 0; p < a.length; p++) {
            double d = a[p] - b[p];
            s += d * d;
        }
        return s;
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
