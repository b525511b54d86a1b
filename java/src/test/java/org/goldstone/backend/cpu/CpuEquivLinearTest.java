package org.goldstone.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.UnitShape;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SIMD GEMM against a naive triple loop (its definition), on shapes that are not multiples of the vector
 * length or the 4-column tile; the complex matmul against complex arithmetic; fp32 against fp64.
 */
class CpuEquivLinearTest {
    private static double[] naive(boolean ta, boolean tb, int m, int n, int kk, double[] a, double[] b, double beta,
                                  double[] c0) {
        double[] c = new double[m * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double s = beta * c0[i + j * m];
                for (int p = 0; p < kk; p++) {
                    double av = ta ? a[p + i * kk] : a[i + p * m];
                    double bv = tb ? b[j + p * n] : b[p + j * kk];
                    s += av * bv;
                }
                c[i + j * m] = s;
            }
        }
        return c;
    }

    private static double[] run(CpuBackend be, DType dt, boolean ta, boolean tb, int m, int n, int kk, double[] a,
                                double[] b, double beta, double[] c0) {
        DeviceBuffer ab = be.allocate(dt, a.length), bb = be.allocate(dt, b.length), cb = be.allocate(dt, c0.length);
        be.write(ab, a);
        be.write(bb, b);
        be.write(cb, c0);
        be.equivLinear().gemm(ta, tb, m, n, kk, ab, bb, beta, cb);
        double[] c = new double[c0.length];
        be.read(cb, c);
        return c;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} ta={3} tb={4} beta={5}")
    @CsvSource({"1,1,1,false,false,0", "37,5,3,false,false,0", "37,5,3,true,false,1", "37,5,3,false,true,1",
            "33,7,65,true,true,0", "128,9,130,false,false,1", "10,256,17,false,true,0", "17,4,1,false,false,0",
            "64,64,64,false,false,0", "3,37,129,true,false,1"})
    void gemmMatchesTheDefinition(int m, int n, int kk, boolean ta, boolean tb, int beta) {
        SplittableRandom rng = new SplittableRandom(m * 1000 + n);
        double[] a = Host.gaussian(m * kk, rng), b = Host.gaussian(kk * n, rng), c0 = Host.gaussian(m * n, rng);
        double[] ref = naive(ta, tb, m, n, kk, a, b, beta, c0);
        try (CpuBackend be = new CpuBackend(2)) {
            double[] d64 = run(be, DType.F64, ta, tb, m, n, kk, a, b, beta, c0);
            double[] a32 = Host.toDoubleOfFloat(a), b32 = Host.toDoubleOfFloat(b), c32 = Host.toDoubleOfFloat(c0);
            double[] ref32 = naive(ta, tb, m, n, kk, a32, b32, beta, c32);
            double[] d32 = run(be, DType.F32, ta, tb, m, n, kk, a32, b32, beta, c32);
            for (int i = 0; i < ref.length; i++) {
                double scale = Math.sqrt(kk) + 1;
                double e64 = Math.abs(d64[i] - ref[i]), e32 = Math.abs(d32[i] - ref32[i]);
                int idx = i;
                assertTrue(e64 < 1e-14 * scale, () -> "fp64 C[" + idx + "] = " + d64[idx] + " vs " + ref[idx]);
                assertTrue(e32 < 1e-5 * scale, () -> "fp32 C[" + idx + "] = " + d32[idx] + " vs " + ref32[idx]);
            }
        }
    }

    @Test
    void simdKernelEqualsScalarTwin() {
        SplittableRandom rng = new SplittableRandom(3);
        int m = 45, n = 11, kk = 70;
        double[] a = Host.gaussian(m * kk, rng), b = Host.gaussian(kk * n, rng);
        double[] c1 = new double[m * n], c2 = new double[m * n];
        CpuEquivLinear.kernelD(a, 0, b, 0, 1, kk, c1, 0, m, kk, 0, n, false);
        if (CpuEquivLinear.SIMD) {
            VectorGemm.gemmD(a, 0, b, 0, 1, kk, c2, 0, m, kk, 0, n, false);
            for (int i = 0; i < c1.length; i++) {
                int idx = i;
                assertTrue(Math.abs(c1[i] - c2[i]) < 1e-12, () -> "SIMD vs scalar at " + idx + ": " + c2[idx] + " vs "
                        + c1[idx]);
            }
        }
    }

    @Test
    void complexMatmulMatchesComplexArithmetic() {
        SplittableRandom rng = new SplittableRandom(8);
        int m = 5, n = 7, batch = 3;
        double[] w = Host.gaussian(2 * m * n, rng), z = Host.gaussian(2 * n * batch, rng);
        double[] gy = Host.gaussian(2 * m * batch, rng);
        try (CpuBackend be = new CpuBackend(2)) {
            DeviceBuffer wb = be.allocate(DType.F64, w.length), zb = be.allocate(DType.F64, z.length);
            DeviceBuffer yb = be.allocate(DType.F64, 2 * m * batch), gyb = be.allocate(DType.F64, gy.length);
            DeviceBuffer gzb = be.allocate(DType.F64, z.length), gwb = be.allocate(DType.F64, w.length);
            be.write(wb, w);
            be.write(zb, z);
            be.write(gyb, gy);
            be.equivLinear().complexForward(m, n, batch, wb, zb, 0.0, yb);
            be.equivLinear().complexBackwardData(m, n, batch, wb, gyb, 0.0, gzb);
            be.equivLinear().complexBackwardWeight(m, n, batch, gyb, zb, 0.0, gwb);
            double[] y = new double[2 * m * batch], gz = new double[z.length], gw = new double[w.length];
            be.read(yb, y);
            be.read(gzb, gz);
            be.read(gwb, gw);
            int mn = m * n;
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < m; i++) {
                    double re = 0, im = 0, gre = 0, gim = 0;
                    for (int p = 0; p < n; p++) {
                        double wr = w[i + p * m], wi = w[mn + i + p * m];
                        double zr = z[2 * b * n + p], zi = z[2 * b * n + n + p];
                        re += wr * zr - wi * zi;
                        im += wr * zi + wi * zr;
                    }
                    assertTrue(Math.abs(re - y[2 * b * m + i]) < 1e-13 && Math.abs(im - y[2 * b * m + m + i]) < 1e-13,
                            "Y = W Z");
                }
                for (int p = 0; p < n; p++) {
                    double re = 0, im = 0;
                    for (int i = 0; i < m; i++) {           // conj(W[i,p]) G[i]
                        double wr = w[i + p * m], wi = w[mn + i + p * m];
                        double gr = gy[2 * b * m + i], gi = gy[2 * b * m + m + i];
                        re += wr * gr + wi * gi;
                        im += wr * gi - wi * gr;
                    }
                    assertTrue(Math.abs(re - gz[2 * b * n + p]) < 1e-13 && Math.abs(im - gz[2 * b * n + n + p]) < 1e-13,
                            "G_Z = W^H G_Y");
                }
            }
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < n; p++) {
                    double re = 0, im = 0;                   // sum_b G[i] conj(Z[p])
                    for (int b = 0; b < batch; b++) {
                        double gr = gy[2 * b * m + i], gi = gy[2 * b * m + m + i];
                        double zr = z[2 * b * n + p], zi = z[2 * b * n + n + p];
                        re += gr * zr + gi * zi;
                        im += gi * zr - gr * zi;
                    }
                    assertTrue(Math.abs(re - gw[i + p * m]) < 1e-13 && Math.abs(im - gw[mn + i + p * m]) < 1e-13,
                            "G_W = G_Y Z^H");
                }
            }
        }
    }

    /** n = 37 covers the SIMD channels (multiples of the vector length) and the scalar tail; small scales hit the
     * RTANH series branch (q < 1e-2) in both. */
    @ParameterizedTest(name = "{0} k={1} scale={2}")
    @CsvSource({"ALG,1,1", "ALG,4,1", "RTANH,2,1", "RTANH,3,1", "RTANH,2,0.04", "RTANH,4,0.06", "RTANH,1,3",
            "RTANH,2,12", "RTANH,4,1e-4",
            "GATE,2,1", "PHASE,4,1", "MODRELU,2,1", "CUBIC,3,1"})
    void normActFp32TracksFp64(String profile, int k, double scale) {
        SplittableRandom rng = new SplittableRandom(2);
        UnitShape s = new UnitShape(37, 5, k);
        double[] y = Host.gaussian(s.elements(), rng);
        for (int i = 0; i < y.length; i++) {
            y[i] *= scale;
        }
        y = Host.toDoubleOfFloat(y);
        double[] gz = Host.toDoubleOfFloat(Host.gaussian(s.elements(), rng));
        Radial r = Radial.of(RadialProfile.valueOf(profile));
        try (CpuBackend be = new CpuBackend(2)) {
            double[][] out = new double[2][];
            double[][] back = new double[2][];
            int idx = 0;
            for (DType dt : new DType[] {DType.F64, DType.F32}) {
                DeviceBuffer yb = be.allocate(dt, y.length), zb = be.allocate(dt, y.length);
                DeviceBuffer gzb = be.allocate(dt, y.length), gyb = be.allocate(dt, y.length);
                be.write(yb, y);
                be.write(gzb, gz);
                be.normAct().forward(r, yb, zb, s);
                be.normAct().backward(r, yb, gzb, gyb, s);
                out[idx] = new double[y.length];
                back[idx] = new double[y.length];
                be.read(zb, out[idx]);
                be.read(gyb, back[idx]);
                idx++;
            }
            for (int i = 0; i < y.length; i++) {
                double ef = Math.abs(out[0][i] - out[1][i]) / (1 + Math.abs(out[0][i]));
                double eb = Math.abs(back[0][i] - back[1][i]) / (1 + Math.abs(back[0][i]));
                int j = i;
                assertTrue(ef < 2e-6 && eb < 1e-5, () -> profile + " fp32 vs fp64 at " + j + ": " + out[1][j] + " vs "
                        + out[0][j] + ", " + back[1][j] + " vs " + back[0][j]);
            }
        }
    }
}
