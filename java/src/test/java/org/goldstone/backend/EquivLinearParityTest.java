package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * equiv_linear kernels against CpuEquivLinear: real GEMM in all four transpose cases and the three complex passes,
 * for every GEMM provider: the native kernels and cuBLAS (exact fp32), the two TF32 tensor-core providers (the
 * engine's {@code tc_gemm_tf32}, cuBLAS with TF32 math) whose fp32 tolerance is {@link #TF32}, and cuBLAS with bf16
 * multiplies, whose fp32 tolerance is {@link #TF32} scaled by the unit roundoffs (see {@link #tol}).
 */
@Tag("cuda")
@Tag("opencl")
class EquivLinearParityTest {
    /**
     * (m, n, kk): 1, odd primes, sizes that are not multiples of the 64-tile or the 16-deep k-tile; the last three
     * have few C tiles and a long K, so the tensor-core GEMM splits K (the last slice short); where every extent is a
     * multiple of 4 ({64, 64, 16}, {128, 300, 128}, {36, 40, 1000}) its cp.async variant can take them.
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 37, 5}, {37, 1, 64}, {37, 41, 43}, {64, 64, 16}, {65, 129, 17}, {128, 300, 128}, {3, 257, 200},
        {37, 41, 1000}, {130, 129, 1283}, {36, 40, 1000}
    };

    /** The tensor-core providers: fp32 GEMMs with TF32 inputs (fp64 stays exact). */
    static final List<String> TF32_PROVIDERS = List.of("cuda+tf32", "cuda+cublas-tf32");
    /**
     * TF32 keeps 10 of fp32's 23 mantissa bits: each input is rounded to within 2^-11 (4.9e-4) relative, so each
     * product is off by up to about 1e-3 of |a||b|; with O(1) inputs the sum of kk products is off by about
     * 1e-3 sqrt(kk) (random signs). Bound per element: 2e-3 (1 + |ref|), times sqrt(kk) as for fp32.
     */
    static final Parity.Tolerance TF32 = new Parity.Tolerance(2e-3, 2e-3);
    /**
     * cuBLAS on bf16 inputs: fp32 GEMMs whose A and B are rounded to bf16 (8 significant bits, nearest even: within
     * 2^-8 relative) by bf16_from_f32, products summed in fp32 (fp64 stays exact).
     */
    static final List<String> BF16_PROVIDERS = List.of("cuda+cublas-bf16");

    private static List<String> providers() {
        List<String> all = new ArrayList<>(Parity.GEMM_PROVIDERS);
        all.addAll(TF32_PROVIDERS);
        all.addAll(BF16_PROVIDERS);
        return all;
    }

    static Stream<Arguments> real() {
        List<Arguments> out = new ArrayList<>();
        for (String be : providers()) {
            for (DType dt : DType.values()) {
                for (int[] s : SHAPES) {
                    for (int t = 0; t < 4; t++) {
                        out.add(Arguments.of(be, dt, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * fp32 sums of kk products: error grows like sqrt(kk) ulps relative to sum |a||b|; inputs are O(1). A provider
     * that rounds fp32 GEMM inputs to a unit roundoff u above fp32's gets {@link #TF32} times u / 2^-11: exactly
     * {@link #TF32} for TF32 inputs, and 8 times it for bf16 inputs (2^-8 / 2^-11), the same margin over the
     * per-product error 2u |a||b|.
     */
    private static Parity.Tolerance tol(String provider, DType dt, int kk) {
        double u = Backends.gemmInputRounding(provider);
        Parity.Tolerance base = dt == DType.F32 && u > Backends.FP32_ROUNDING
                ? TF32.times(u / Backends.TF32_ROUNDING) : Parity.Tolerance.of(dt);
        return base.times(Math.max(1.0, Math.sqrt(kk)));
    }

    @ParameterizedTest(name = "{0} {1} gemm m={2} n={3} kk={4} transA={5} transB={6}")
    @MethodSource("real")
    void gemmMatchesTheTwin(String name, DType dt, int m, int n, int kk, boolean transA, boolean transB) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        SplittableRandom rng = new SplittableRandom(31L * m + 7L * n + kk + (transA ? 1 : 0) + (transB ? 2 : 0));
        double[] a = gaussian(m * kk, 1.0, dt, rng), b = gaussian(kk * n, 1.0, dt, rng), c0 = gaussian(m * n, 1.0, dt,
                rng);
        for (double beta : new double[] {0.0, 1.0}) {
            double[][] got = new double[2][];
            int idx = 0;
            for (Backend be : new Backend[] {cpu, gpu}) {
                DeviceBuffer c = upload(be, dt, c0);
                be.equivLinear().gemm(transA, transB, m, n, kk, upload(be, dt, a), upload(be, dt, b), beta, c);
                got[idx++] = download(be, c);
            }
            assertClose(name + " " + dt + " gemm " + m + "x" + n + "x" + kk + " tA=" + transA + " tB=" + transB
                    + " beta=" + beta, got[0], got[1], tol(name, dt, kk));
        }
    }

    static Stream<Arguments> complex() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {1, 3, 37}, {37, 41, 5}, {64, 64, 64}, {65, 17, 130}, {128, 128, 257},
            {64, 64, 1029}, {64, 68, 1024}};
        for (String be : providers()) {
            for (DType dt : DType.values()) {
                for (int[] s : shapes) {
                    for (String pass : new String[] {"forward", "backwardData", "backwardWeight"}) {
                        out.add(Arguments.of(be, dt, pass, s[0], s[1], s[2]));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} complex {2} m={3} n={4} batch={5}")
    @MethodSource("complex")
    void complexPassesMatchTheTwin(String name, DType dt, String pass, int m, int n, int batch) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        SplittableRandom rng = new SplittableRandom(97L * m + 13L * n + batch + pass.length());
        double[] w = gaussian(2 * m * n, 1.0, dt, rng);
        double[] z = gaussian(2 * n * batch, 1.0, dt, rng);
        double[] gy = gaussian(2 * m * batch, 1.0, dt, rng);
        double[] gw0 = gaussian(2 * m * n, 1.0, dt, rng);
        double[] gz0 = gaussian(2 * n * batch, 1.0, dt, rng);
        double[] y0 = gaussian(2 * m * batch, 1.0, dt, rng);
        int inner = pass.equals("forward") ? n : pass.equals("backwardData") ? m : batch;
        for (double beta : new double[] {0.0, 1.0}) {
            double[][] got = new double[2][];
            int idx = 0;
            for (Backend be : new Backend[] {cpu, gpu}) {
                DeviceBuffer out;
                switch (pass) {
                    case "forward":
                        out = upload(be, dt, y0);
                        be.equivLinear().complexForward(m, n, batch, upload(be, dt, w), upload(be, dt, z), beta, out);
                        break;
                    case "backwardData":
                        out = upload(be, dt, gz0);
                        be.equivLinear().complexBackwardData(m, n, batch, upload(be, dt, w), upload(be, dt, gy), beta,
                                out);
                        break;
                    default:
                        out = upload(be, dt, gw0);
                        be.equivLinear().complexBackwardWeight(m, n, batch, upload(be, dt, gy), upload(be, dt, z),
                                beta, out);
                        break;
                }
                got[idx++] = download(be, out);
            }
            assertClose(name + " " + dt + " complex " + pass + " m=" + m + " n=" + n + " batch=" + batch + " beta="
                    + beta, got[0], got[1], tol(name, dt, 2 * inner));
        }
    }
}
