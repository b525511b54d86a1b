package org.goldstone.diagnostics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.goldstone.GoldstoneException;

/**
 * Neural collapse (SCIENCE f.4) of features h_b (sample-major, {@code batch x dim}) with labels y_b in
 * 0..classes-1. With class means mu_c, the batch mean mu_G and M = [mu_c - mu_G] (dim x C):
 * <ul>
 *   <li>NC1 = (1/C) tr(Sigma_W Sigma_B^+), Sigma_W = (1/N) sum_b (h_b - mu_{y_b})(h_b - mu_{y_b})^T,
 *       Sigma_B = (1/C) M M^T, the pseudo-inverse through the SVD M = U S V^T (singular values below
 *       {@value #PINV_RCOND} s_1 count as 0: with balanced classes M has rank C - 1 exactly), so NC1 =
 *       sum_k s_k^-2 u_k^T Sigma_W u_k without forming dim x dim matrices;</li>
 *   <li>NC2 equinorm and equiangularity, NC3 (readout rows vs centered means), NC4 (nearest class mean vs argmax
 *       logits), see {@link CollapseMetrics}.</li>
 * </ul>
 * Every quantity is invariant under an orthogonal map of the features that the readout undoes (h -> Q h,
 * U -> U Q^T): the global group and the U(1) gauge. Arrays: read.
 */
public final class NeuralCollapse {
    /** Relative cut-off of the pseudo-inverse of Sigma_B. */
    public static final double PINV_RCOND = 1e-10;

    private NeuralCollapse() {
    }

    /**
     * All metrics. readout: the real C x dim matrix on the flattened features, column-major (entry (c, f) at
     * {@code c + f*classes}), or null; logits: classes x batch column-major, or null.
     */
    public static CollapseMetrics of(double[] features, int batch, int dim, int[] labels, int classes,
                                     double[] readout, double[] logits) {
        Stats st = new Stats(features, batch, dim, labels, classes);
        if (readout != null && readout.length != classes * dim) {
            throw new IllegalArgumentException("neural collapse: expected a " + classes + " x " + dim
                    + " readout, found " + readout.length + " values");
        }
        if (logits != null && logits.length != classes * batch) {
            throw new IllegalArgumentException("neural collapse: expected " + classes + " x " + batch
                    + " logits, found " + logits.length + " values");
        }
        int cp = st.present.length;
        double[] norms = new double[cp];
        for (int c = 0; c < cp; c++) {
            norms[c] = Math.sqrt(dot(st.centered[c], st.centered[c]));
        }
        double mean = 0;
        for (double x : norms) {
            mean += x;
        }
        mean /= cp;
        double var = 0;
        for (double x : norms) {
            var += (x - mean) * (x - mean);
        }
        double equinorm = cp < 1 ? Double.NaN : Math.sqrt(var / cp) / mean;
        double angle = 0;
        for (int c = 0; c < cp; c++) {
            for (int c2 = 0; c2 < cp; c2++) {
                if (c != c2) {
                    double cos = dot(st.centered[c], st.centered[c2]) / (norms[c] * norms[c2]);
                    angle += Math.abs(cos + 1.0 / (cp - 1));
                }
            }
        }
        double equiangular = cp < 2 ? Double.NaN : angle / (cp * (cp - 1));
        return new CollapseMetrics(cp, nc1(st), equinorm, equiangular,
                readout == null ? Double.NaN : nc3(st, readout, classes),
                logits == null ? Double.NaN : nc4(st, logits, classes), classCorrelation(st, classes));
    }

    /** NC1 alone; NaN with fewer than two classes present or equal class means. */
    public static double nc1(double[] features, int batch, int dim, int[] labels, int classes) {
        return nc1(new Stats(features, batch, dim, labels, classes));
    }

    /**
     * The batch x batch cosine matrix of the centered features h_b - mu_G, rows and columns in the order of
     * {@link #classOrder} (the ZIY figure's per-class block structure). A zero vector has cosine 0.
     */
    public static double[][] sampleCorrelation(double[] features, int batch, int dim, int[] labels, int classes) {
        Stats st = new Stats(features, batch, dim, labels, classes);
        int[] order = classOrder(labels, classes);
        double[][] unit = st.unitCentered();
        double[][] out = new double[batch][batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < batch; j++) {
                out[i][j] = dot(unit[order[i]], unit[order[j]]);
            }
        }
        return out;
    }

    /** Sample indices sorted by label, stable within a class. */
    public static int[] classOrder(int[] labels, int classes) {
        int[] order = new int[labels.length];
        int t = 0;
        for (int c = 0; c < classes; c++) {
            for (int b = 0; b < labels.length; b++) {
                if (labels[b] == c) {
                    order[t++] = b;
                }
            }
        }
        if (t != labels.length) {
            throw new IllegalArgumentException("labels: expected values in 0.." + (classes - 1));
        }
        return order;
    }

    private static double nc1(Stats st) {
        int cp = st.present.length, dim = st.dim;
        if (cp < 2) {
            return Double.NaN;
        }
        double[] m = new double[dim * cp];                  // row-major dim x C
        for (int c = 0; c < cp; c++) {
            for (int f = 0; f < dim; f++) {
                m[f * cp + c] = st.centered[c][f];
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(dim, cp, true, false, true);
        if (!svd.decompose(new DMatrixRMaj(dim, cp, true, m))) {
            throw new GoldstoneException("neural collapse: SVD of the " + dim + " x " + cp
                    + " class-mean matrix failed");
        }
        double[] s = svd.getSingularValues();
        DMatrixRMaj u = svd.getU(null, false);
        double smax = 0;
        for (double x : s) {
            smax = Math.max(smax, x);
        }
        if (!(smax > 0)) {
            return Double.NaN;
        }
        double total = 0;
        double[] dir = new double[dim];
        for (int q = 0; q < s.length; q++) {
            if (!(s[q] > PINV_RCOND * smax)) {
                continue;
            }
            for (int f = 0; f < dim; f++) {
                dir[f] = u.get(f, q);
            }
            double within = 0;                              // u^T Sigma_W u
            for (int b = 0; b < st.batch; b++) {
                double p = 0;
                double[] mu = st.mean[st.slot[st.labels[b]]];
                int o = b * dim;
                for (int f = 0; f < dim; f++) {
                    p += dir[f] * (st.h[o + f] - mu[f]);
                }
                within += p * p;
            }
            total += within / st.batch / (s[q] * s[q]);
        }
        // (1/C) tr(Sigma_W Sigma_B^+) with Sigma_B^+ = sum C / s^2 u u^T: the factors C cancel
        return total;
    }

    private static double nc3(Stats st, double[] readout, int classes) {
        int cp = st.present.length, dim = st.dim;
        double un = 0, mn = 0;
        for (int c = 0; c < cp; c++) {
            int row = st.present[c];
            for (int f = 0; f < dim; f++) {
                double w = readout[row + f * classes];
                un += w * w;
                mn += st.centered[c][f] * st.centered[c][f];
            }
        }
        un = Math.sqrt(un);
        mn = Math.sqrt(mn);
        double s = 0;
        for (int c = 0; c < cp; c++) {
            int row = st.present[c];
            for (int f = 0; f < dim; f++) {
                double d = readout[row + f * classes] / un - st.centered[c][f] / mn;
                s += d * d;
            }
        }
        return s;
    }

    private static double nc4(Stats st, double[] logits, int classes) {
        int mismatch = 0, dim = st.dim;
        for (int b = 0; b < st.batch; b++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[b * classes + c] > logits[b * classes + best]) {
                    best = c;
                }
            }
            int nearest = -1;
            double nearestDist = Double.POSITIVE_INFINITY;
            for (int c = 0; c < st.present.length; c++) {
                double d = 0;
                for (int f = 0; f < dim; f++) {
                    double x = st.h[b * dim + f] - st.mean[c][f];
                    d += x * x;
                }
                if (d < nearestDist) {
                    nearestDist = d;
                    nearest = st.present[c];
                }
            }
            if (nearest != best) {
                mismatch++;
            }
        }
        return (double) mismatch / st.batch;
    }

    private static double[][] classCorrelation(Stats st, int classes) {
        double[][] unit = st.unitCentered();
        double[][] sum = new double[classes][classes];
        long[][] count = new long[classes][classes];
        for (int i = 0; i < st.batch; i++) {
            for (int j = 0; j < st.batch; j++) {
                if (i != j) {
                    sum[st.labels[i]][st.labels[j]] += dot(unit[i], unit[j]);
                    count[st.labels[i]][st.labels[j]]++;
                }
            }
        }
        double[][] out = new double[classes][classes];
        for (int c = 0; c < classes; c++) {
            for (int c2 = 0; c2 < classes; c2++) {
                out[c][c2] = count[c][c2] == 0 ? Double.NaN : sum[c][c2] / count[c][c2];
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Class means of the present classes, the batch mean and the centered means. */
    private static final class Stats {
        final double[] h;
        final int batch, dim;
        final int[] labels, present, slot;
        final double[][] mean, centered;
        final double[] global;

        Stats(double[] h, int batch, int dim, int[] labels, int classes) {
            Ranks.requireFeatures(h, batch, dim);
            if (labels == null || labels.length != batch) {
                throw new IllegalArgumentException("neural collapse: expected " + batch + " labels, found "
                        + (labels == null ? "null" : labels.length));
            }
            if (classes < 1) {
                throw new IllegalArgumentException("neural collapse: expected classes >= 1, found " + classes);
            }
            this.h = h;
            this.batch = batch;
            this.dim = dim;
            this.labels = labels;
            int[] count = new int[classes];
            for (int b = 0; b < batch; b++) {
                if (labels[b] < 0 || labels[b] >= classes) {
                    throw new IllegalArgumentException("neural collapse: expected labels in 0.." + (classes - 1)
                            + ", found " + labels[b] + " at sample " + b);
                }
                count[labels[b]]++;
            }
            slot = new int[classes];
            int cp = 0;
            for (int c = 0; c < classes; c++) {
                slot[c] = count[c] > 0 ? cp++ : -1;
            }
            present = new int[cp];
            for (int c = 0; c < classes; c++) {
                if (slot[c] >= 0) {
                    present[slot[c]] = c;
                }
            }
            mean = new double[cp][dim];
            global = new double[dim];
            for (int b = 0; b < batch; b++) {
                double[] m = mean[slot[labels[b]]];
                for (int f = 0; f < dim; f++) {
                    m[f] += h[b * dim + f];
                    global[f] += h[b * dim + f];
                }
            }
            for (int f = 0; f < dim; f++) {
                global[f] /= batch;
            }
            centered = new double[cp][dim];
            for (int c = 0; c < cp; c++) {
                for (int f = 0; f < dim; f++) {
                    mean[c][f] /= count[present[c]];
                    centered[c][f] = mean[c][f] - global[f];
                }
            }
        }

        /** (h_b - mu_G) / |h_b - mu_G| per sample (0 for a zero vector). */
        double[][] unitCentered() {
            double[][] u = new double[batch][dim];
            for (int b = 0; b < batch; b++) {
                double n = 0;
                for (int f = 0; f < dim; f++) {
                    u[b][f] = h[b * dim + f] - global[f];
                    n += u[b][f] * u[b][f];
                }
                n = Math.sqrt(n);
                for (int f = 0; f < dim; f++) {
                    u[b][f] = n > 0 ? u[b][f] / n : 0.0;
                }
            }
            return u;
        }
    }
}
