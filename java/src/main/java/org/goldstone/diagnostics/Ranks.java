package org.goldstone.diagnostics;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.goldstone.GoldstoneException;
import org.goldstone.layer.Affine;
import org.goldstone.layer.DenseBlock;
import org.goldstone.layer.EquivariantLinear;
import org.goldstone.layer.Layer;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;

/**
 * Rank and representational diversity per layer (SCIENCE f.3).
 * <ul>
 *   <li>Feature rank: singular values of the batch-centered {@code batch x D} feature matrix (real flattening, D =
 *       n k), summarized by {@link RankSummary}. The global group and the U(1) gauge act orthogonally on the real
 *       features, so all of it is invariant.</li>
 *   <li>Weight rank of the matrix producing a level: the embedding W_in (without bias), the internal W_l, or a dense
 *       W_l; U(1) weights as complex matrices (W_in = rows Re + i rows Im), counted in complex dimensions.</li>
 *   <li>Representational diversity: the mean over sample pairs of c-hat = |c_12| / sqrt(q_1 q_2) (b.2), with
 *       c_12 = sum_j z_j(x1) conj(z_j(x2)) for U(1), the nuclear norm of the k x k overlap
 *       sum_j y_j(x1) y_j(x2)^T for O(k) (the maximal overlap over relative rotations), and |sum_j y_j(x1) y_j(x2)|
 *       for real features; q = sum_j |z_j|^2. Near 1 means the inputs collapse onto one orbit.</li>
 * </ul>
 * Feature arrays are sample-major: sample b's D features are {@code features[b*D .. (b+1)*D)}, i.e. the level's
 * activation buffer as the network writes it; inside a sample, component a of unit j is at {@code a*n + j}.
 */
public final class Ranks {
    private Ranks() {
    }

    /** Singular values, descending, of the {@code rows x cols} row-major matrix {@code a} (read). */
    public static double[] singularValues(double[] a, int rows, int cols) {
        if (rows < 1 || cols < 1 || a.length != rows * cols) {
            throw new IllegalArgumentException("singular values: expected a " + rows + " x " + cols
                    + " matrix, found " + a.length + " values");
        }
        DMatrixRMaj m = new DMatrixRMaj(rows, cols, true, a);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, false,
                true);
        if (!svd.decompose(m)) {
            throw new GoldstoneException("ranks: SVD of a " + rows + " x " + cols + " matrix failed");
        }
        double[] s = Arrays.copyOf(svd.getSingularValues(), Math.min(rows, cols));
        Arrays.sort(s);
        for (int i = 0, j = s.length - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    /** #{s_i > tau s_1} for descending s; 0 when s_1 = 0. */
    public static int numericalRank(double[] s, double tau) {
        if (s.length == 0 || !(s[0] > 0)) {
            return 0;
        }
        int r = 0;
        for (double x : s) {
            if (x > tau * s[0]) {
                r++;
            }
        }
        return r;
    }

    /** exp(-sum p_i ln p_i) with p_i = s_i / sum s (Roy and Vetterli); 0 when all s_i are 0. */
    public static double effectiveRank(double[] s) {
        double sum = 0;
        for (double x : s) {
            sum += x;
        }
        if (!(sum > 0)) {
            return 0.0;
        }
        double h = 0;
        for (double x : s) {
            if (x > 0) {
                double p = x / sum;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    /** Rank of the batch-centered {@code batch x dim} feature matrix (features: read, sample-major). */
    public static RankSummary featureRank(double[] features, int batch, int dim) {
        requireFeatures(features, batch, dim);
        double[] centered = features.clone();
        for (int f = 0; f < dim; f++) {
            double mean = 0;
            for (int b = 0; b < batch; b++) {
                mean += features[b * dim + f];
            }
            mean /= batch;
            for (int b = 0; b < batch; b++) {
                centered[b * dim + f] -= mean;
            }
        }
        return RankSummary.of(singularValues(centered, batch, dim));
    }

    /**
     * Rank of the weight matrix producing representation level {@code level} (0 = embedding, without its bias).
     * theta: read.
     */
    public static RankSummary weightRank(FeedForwardNet net, double[] theta, int level) {
        UnitVectors.requireLevel(net, theta, level);
        NetSpec spec = net.spec();
        int li = UnitVectors.weightIndex(spec, level);
        Layer layer = net.layers().get(li);
        int off = net.offset(li);
        if (!spec.equivariant()) {
            requireType(layer, DenseBlock.class);
            return RankSummary.of(singularValues(rowMajor(theta, off, spec.width(), layer.inputSize()),
                    spec.width(), layer.inputSize()));
        }
        int n = spec.width(), k = spec.symmetry().unitDim();
        boolean complex = UnitVectors.isU1(spec);
        if (level == 0) {
            requireType(layer, Affine.class);
            int d = spec.inputs();
            if (complex) {                                  // rows j (Re) and n + j (Im) of the 2n x d matrix
                return complexRank(theta, off, n, d, 2 * n, n);
            }
            return RankSummary.of(singularValues(rowMajor(theta, off, n * k, d), n * k, d));
        }
        requireType(layer, EquivariantLinear.class);
        if (complex) {                                      // planar: Re W then Im W, each n x n column-major
            return complexRank(theta, off, n, n, n, n * n);
        }
        return RankSummary.of(singularValues(rowMajor(theta, off, n, n), n, n));
    }

    /** Rank of the readout as the real C x D matrix on the flattened features (U(1): complex C x n). theta: read. */
    public static RankSummary readoutRank(FeedForwardNet net, double[] theta) {
        UnitVectors.requireLevel(net, theta, 0);
        NetSpec spec = net.spec();
        int li = net.layers().size() - 1;
        Layer layer = net.layers().get(li);
        requireType(layer, Affine.class);
        int classes = spec.classes(), dim = layer.inputSize(), off = net.offset(li);
        if (UnitVectors.isU1(spec)) {                       // U[c, j] + i U[c, n + j]
            int n = spec.width();
            return complexRank(theta, off, classes, n, classes, n * classes);
        }
        return RankSummary.of(singularValues(rowMajor(theta, off, classes, dim), classes, dim));
    }

    /**
     * Mean c-hat over all sample pairs (b.2) of a level in the unit layout: {@code channels} units of {@code k}
     * components, {@code complex} for U(1) (k = 2, components Re, Im). Pairs with a zero-norm sample are skipped;
     * NaN when no pair is left. features: read.
     */
    public static double diversity(double[] features, int batch, int channels, int k, boolean complex) {
        if (complex && k != 2) {
            throw new IllegalArgumentException("diversity: expected k = 2 for complex units, found " + k);
        }
        int dim = channels * k;
        requireFeatures(features, batch, dim);
        double[] q = new double[batch];
        for (int b = 0; b < batch; b++) {
            double s = 0;
            for (int f = 0; f < dim; f++) {
                double x = features[b * dim + f];
                s += x * x;
            }
            q[b] = s;
        }
        double[] overlap = new double[k * k];
        double sum = 0;
        long pairs = 0;
        for (int b1 = 0; b1 < batch; b1++) {
            for (int b2 = b1 + 1; b2 < batch; b2++) {
                if (!(q[b1] > 0 && q[b2] > 0)) {
                    continue;
                }
                int o1 = b1 * dim, o2 = b2 * dim;
                double c;
                if (complex) {                              // sum_j z_j(x1) conj(z_j(x2))
                    double re = 0, im = 0;
                    for (int j = 0; j < channels; j++) {
                        double r1 = features[o1 + j], i1 = features[o1 + channels + j];
                        double r2 = features[o2 + j], i2 = features[o2 + channels + j];
                        re += r1 * r2 + i1 * i2;
                        im += i1 * r2 - r1 * i2;
                    }
                    c = Math.hypot(re, im);
                } else {
                    for (int a = 0; a < k; a++) {
                        for (int a2 = 0; a2 < k; a2++) {
                            double s = 0;
                            for (int j = 0; j < channels; j++) {
                                s += features[o1 + a * channels + j] * features[o2 + a2 * channels + j];
                            }
                            overlap[a * k + a2] = s;
                        }
                    }
                    c = SmallSvd.nuclearNorm(overlap, k);
                }
                sum += c / Math.sqrt(q[b1] * q[b2]);
                pairs++;
            }
        }
        return pairs == 0 ? Double.NaN : sum / pairs;
    }

    /**
     * Rank of the complex m x n matrix A + iB with A(r, c) at {@code theta[off + r + c*colStride]} and B(r, c)
     * {@code imShift} further, from the real 2m x 2n form [[A, -B], [B, A]], whose singular values are those of
     * A + iB, each twice.
     */
    private static RankSummary complexRank(double[] theta, int off, int m, int n, int colStride, int imShift) {
        int rows = 2 * m, cols = 2 * n;
        double[] big = new double[rows * cols];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                double a = theta[off + r + c * colStride], b = theta[off + imShift + r + c * colStride];
                big[r * cols + c] = a;
                big[r * cols + n + c] = -b;
                big[(m + r) * cols + c] = b;
                big[(m + r) * cols + n + c] = a;
            }
        }
        double[] s2 = singularValues(big, rows, cols);
        double[] s = new double[Math.min(m, n)];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.5 * (s2[2 * i] + s2[2 * i + 1]);
        }
        return RankSummary.of(s);
    }

    /** The m x n column-major block at theta[off..] as a row-major array. */
    private static double[] rowMajor(double[] theta, int off, int m, int n) {
        double[] a = new double[m * n];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                a[r * n + c] = theta[off + r + c * m];
            }
        }
        return a;
    }

    private static void requireType(Layer l, Class<? extends Layer> type) {
        if (!type.isInstance(l)) {
            throw new IllegalStateException("ranks: expected a " + type.getSimpleName() + " layer, found " + l.name());
        }
    }

    static void requireFeatures(double[] features, int batch, int dim) {
        if (batch < 1 || dim < 1 || features == null || features.length != batch * dim) {
            throw new IllegalArgumentException("features: expected " + batch + " x " + dim + " = "
                    + ((long) batch * dim) + " values, found " + (features == null ? "null" : features.length));
        }
    }
}
