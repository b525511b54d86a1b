package org.goldstone.minimize;

import org.goldstone.tensor.HostVectors;

/** Level-1 loops on fp64 host vectors for the minimizers of this package. */
final class VectorMath {
    private VectorMath() {
    }

    static double dot(double[] a, double[] b) {
        return HostVectors.dot(a, b);
    }

    static double norm2(double[] a) {
        return HostVectors.norm(a);
    }

    static double normInf(double[] a) {
        double m = 0;
        for (double v : a) {
            // NaN must propagate so that a non-finite gradient never looks converged
            if (!(Math.abs(v) <= m)) {
                m = Math.abs(v);
            }
        }
        return m;
    }

    /** out = x + alpha p. */
    static void step(double[] x, double alpha, double[] p, double[] out) {
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + alpha * p[i];
        }
    }

    static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static void requireDimension(Objective f, double[] theta) {
        if (theta.length != f.dimension()) {
            throw new IllegalArgumentException("theta length: expected the objective's dimension " + f.dimension()
                    + ", found " + theta.length);
        }
    }

    static void requireTolerance(String name, double tol) {
        if (!(tol >= 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException(name + ": expected a finite value >= 0, found " + tol);
        }
    }

    static void requireCount(String name, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + ": expected >= 0, found " + n);
        }
    }
}
