package org.goldstone.symmetry;

import static org.goldstone.tensor.HostVectors.dot;
import static org.goldstone.tensor.HostVectors.norm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.goldstone.GoldstoneException;
import org.goldstone.minimize.DenseHessian;
import org.goldstone.minimize.Eigen;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.spectral.SymmetricOperator;

/**
 * Counts Goldstone modes (SCIENCE d.6-d.8): builds the predicted tangents at theta, their numerical ranks
 * (stabilizers included), the identity residuals, Rayleigh quotients and gradient cosines, and, from a dense
 * eigendecomposition of H_F, the measured zero (and lambda) clusters, the principal angles between predicted and
 * measured null spaces, and the gap. {@link #countMatrixFree} does the checks that need no dense Hessian.
 */
public final class GoldstoneCounter {
    /** Relative rank tolerance of the tangent set (d.8 step 1). */
    public static final double RANK_TOLERANCE = 1e-10;
    /** A unit is dead when all its incoming and outgoing weights are below this times max |theta|. */
    public static final double DEAD_TOLERANCE = 1e-8;

    private GoldstoneCounter() {
    }

    /**
     * Dense accounting. {@code hessian} is H_F = H_L + lambda I at theta, {@code gradientF} its gradient.
     *
     * @param zeroTolerance eigenvalues with |mu| below this times lambda_max count as zero
     */
    public static GoldstoneReport count(FeedForwardNet net, double[] theta, double[] gradientF, double lambda,
                                        boolean crossEntropy, DenseHessian hessian, double zeroTolerance) {
        int p = theta.length;
        double[] gL = lossGradient(theta, gradientF, lambda);
        List<Tangent> tangents = Tangents.of(net, theta, gL, crossEntropy);
        Eigen eig = hessian.eig();
        double lmax = eig.maxAbs();
        double[][] h = hessian.h();
        Map<String, List<Tangent>> byFamily = group(tangents);
        List<GoldstoneReport.Family> families = new ArrayList<>();
        for (Map.Entry<String, List<Tangent>> e : byFamily.entrySet()) {
            double maxRes = 0, maxCos = 0, maxRay = 0;
            for (Tangent t : e.getValue()) {
                double tn = norm(t.vector());
                if (tn == 0) {
                    continue;
                }
                double[] ht = multiply(h, t.vector());
                double res = 0;
                for (int i = 0; i < p; i++) {
                    double d = ht[i] - lambda * t.vector()[i] - t.expected()[i];
                    res += d * d;
                }
                maxRes = Math.max(maxRes, Math.sqrt(res) / (lmax * tn));
                maxCos = Math.max(maxCos, Math.abs(dot(gL, t.vector())) / (norm(gL) * tn + 1e-300));
                maxRay = Math.max(maxRay, Math.abs(dot(t.vector(), ht)) / (lmax * tn * tn));
            }
            families.add(new GoldstoneReport.Family(e.getKey(), e.getValue().get(0).kind().name().toLowerCase(),
                    e.getValue().size(), rank(vectors(e.getValue())), e.getValue().size(), maxRes, maxCos, maxRay));
        }
        List<double[]> nullPredicted = new ArrayList<>(), lambdaPredicted = new ArrayList<>();
        for (Tangent t : tangents) {
            if (t.kind() == Tangent.Kind.ROTATION || lambda == 0) {
                nullPredicted.add(t.vector());
            } else if (t.kind() == Tangent.Kind.TRANSLATION) {
                lambdaPredicted.add(t.vector());
            }
        }
        double[][] basis = orthonormalBasis(nullPredicted);
        int predictedZero = basis.length;
        int predictedAtLambda = rank(lambdaPredicted);
        double[] mu = eig.values();
        List<double[]> zeroVectors = new ArrayList<>();
        int atLambda = 0;
        double largestZero = Double.NaN, next = Double.POSITIVE_INFINITY;
        for (int i = 0; i < mu.length; i++) {
            double a = Math.abs(mu[i]) / lmax;
            if (a < zeroTolerance) {
                zeroVectors.add(eig.vectors()[i]);
                largestZero = Double.isNaN(largestZero) ? a : Math.max(largestZero, a);
            } else {
                next = Math.min(next, a);
                if (lambda > 0 && Math.abs(mu[i] - lambda) < zeroTolerance * lmax) {
                    atLambda++;
                }
            }
        }
        int measuredZero = zeroVectors.size();
        double cosine = Double.NaN;
        if (measuredZero == predictedZero && measuredZero > 0) {
            cosine = minPrincipalCosine(basis, zeroVectors);
        }
        int unexplained = Math.max(0, measuredZero - predictedZero) + Math.max(0, atLambda - predictedAtLambda);
        int missing = Math.max(0, predictedZero - measuredZero) + Math.max(0, predictedAtLambda - atLambda);
        return new GoldstoneReport(p, lambda, lmax, norm(gradientF), families, predictedZero, measuredZero,
                predictedAtLambda, atLambda, unexplained, missing, cosine, next, largestZero, zeroTolerance, mu,
                DeadUnits.find(net, theta, DEAD_TOLERANCE));
    }

    /**
     * Matrix-free accounting for large P: every tangent's gradient cosine and Rayleigh quotient, the exact identity
     * residual for up to {@code checkPerFamily} tangents of each family (one Hessian-vector product each), and the
     * families' tangent counts as the generic rank. {@code lambdaMax} comes from the caller's top eigenvalue.
     */
    public static GoldstoneReport countMatrixFree(FeedForwardNet net, double[] theta, double[] gradientF, double lambda,
                                                  boolean crossEntropy, SymmetricOperator hessianF, double lambdaMax,
                                                  int checkPerFamily) {
        if (!(lambdaMax > 0)) {
            throw new GoldstoneException("Goldstone accounting: expected lambda_max > 0, found " + lambdaMax);
        }
        double[] gL = lossGradient(theta, gradientF, lambda);
        List<Tangent> tangents = Tangents.of(net, theta, gL, crossEntropy);
        Map<String, List<Tangent>> byFamily = group(tangents);
        List<GoldstoneReport.Family> families = new ArrayList<>();
        int predictedZero = 0, predictedAtLambda = 0;
        double[] ht = new double[theta.length];
        for (Map.Entry<String, List<Tangent>> e : byFamily.entrySet()) {
            double maxRes = 0, maxCos = 0, maxRay = 0;
            int checked = 0;
            for (Tangent t : e.getValue()) {
                double tn = norm(t.vector());
                if (tn == 0) {
                    continue;
                }
                maxCos = Math.max(maxCos, Math.abs(dot(gL, t.vector())) / (norm(gL) * tn + 1e-300));
                // t.H_L t follows from the identity without a product; adding lambda |t|^2 gives t.H_F t
                double ray = dot(t.vector(), t.expected()) + lambda * tn * tn;
                maxRay = Math.max(maxRay, Math.abs(ray) / (lambdaMax * tn * tn));
                if (checked < checkPerFamily) {
                    hessianF.apply(t.vector(), ht);
                    double res = 0;
                    for (int i = 0; i < ht.length; i++) {
                        double d = ht[i] - lambda * t.vector()[i] - t.expected()[i];
                        res += d * d;
                    }
                    maxRes = Math.max(maxRes, Math.sqrt(res) / (lambdaMax * tn));
                    checked++;
                }
            }
            int count = e.getValue().size();
            Tangent.Kind kind = e.getValue().get(0).kind();
            if (kind == Tangent.Kind.ROTATION || lambda == 0) {
                predictedZero += count;
            } else if (kind == Tangent.Kind.TRANSLATION) {
                predictedAtLambda += count;
            }
            families.add(new GoldstoneReport.Family(e.getKey(), kind.name().toLowerCase(), count, count, checked,
                    maxRes, maxCos, maxRay));
        }
        return new GoldstoneReport(theta.length, lambda, lambdaMax, norm(gradientF), families, predictedZero, -1,
                predictedAtLambda, -1, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, new double[0],
                DeadUnits.find(net, theta, DEAD_TOLERANCE));
    }

    private static double[] lossGradient(double[] theta, double[] gradientF, double lambda) {
        double[] g = new double[theta.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gradientF[i] - lambda * theta[i];
        }
        return g;
    }

    private static Map<String, List<Tangent>> group(List<Tangent> tangents) {
        Map<String, List<Tangent>> byFamily = new LinkedHashMap<>();
        for (Tangent t : tangents) {
            byFamily.computeIfAbsent(t.family(), f -> new ArrayList<>()).add(t);
        }
        return byFamily;
    }

    private static List<double[]> vectors(List<Tangent> tangents) {
        List<double[]> v = new ArrayList<>();
        for (Tangent t : tangents) {
            v.add(t.vector());
        }
        return v;
    }

    /** Numerical rank: singular values above RANK_TOLERANCE times the largest column norm. */
    public static int rank(List<double[]> columns) {
        return orthonormalBasis(columns).length;
    }

    /** An orthonormal basis of the span (left singular vectors above the rank tolerance). */
    static double[][] orthonormalBasis(List<double[]> columns) {
        if (columns.isEmpty()) {
            return new double[0][];
        }
        int p = columns.get(0).length, m = columns.size();
        double maxNorm = 0;
        DMatrixRMaj a = new DMatrixRMaj(p, m);
        for (int c = 0; c < m; c++) {
            double[] col = columns.get(c);
            maxNorm = Math.max(maxNorm, norm(col));
            for (int i = 0; i < p; i++) {
                a.set(i, c, col[i]);
            }
        }
        if (maxNorm == 0) {
            return new double[0][];
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(p, m, true, false, true);
        if (!svd.decompose(a)) {
            throw new GoldstoneException("Goldstone accounting: SVD of the " + p + " x " + m
                    + " tangent matrix failed");
        }
        double[] s = svd.getSingularValues();
        DMatrixRMaj u = svd.getU(null, false);
        List<double[]> basis = new ArrayList<>();
        for (int c = 0; c < s.length; c++) {
            if (s[c] > RANK_TOLERANCE * maxNorm) {
                double[] v = new double[p];
                for (int i = 0; i < p; i++) {
                    v[i] = u.get(i, c);
                }
                basis.add(v);
            }
        }
        return basis.toArray(new double[0][]);
    }

    /** Smallest singular value of Q^T U (both orthonormal sets of equal size): the worst principal-angle cosine. */
    static double minPrincipalCosine(double[][] q, List<double[]> u) {
        int r = q.length, m = u.size();
        DMatrixRMaj c = new DMatrixRMaj(r, m);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < m; j++) {
                c.set(i, j, dot(q[i], u.get(j)));
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(r, m, false, false, true);
        if (!svd.decompose(c)) {
            throw new GoldstoneException("Goldstone accounting: SVD of the principal-angle matrix failed");
        }
        double min = Double.POSITIVE_INFINITY;
        for (double s : svd.getSingularValues()) {
            min = Math.min(min, s);
        }
        return min;
    }

    private static double[] multiply(double[][] h, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < h.length; i++) {
            double s = 0;
            for (int j = 0; j < v.length; j++) {
                s += h[i][j] * v[j];
            }
            out[i] = s;
        }
        return out;
    }


}
