package org.goldstone.backend.opencl;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.backend.device.DeviceEquivLinear;
import org.goldstone.backend.device.Kernels;
import org.goldstone.backend.device.RealGemmProvider;
import org.goldstone.tensor.DType;
import org.goldstone.testing.Parity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The single-GEMM form of the U(1) passes ({@link RealGemmProvider.ComplexForm#BLOCK}: the block weight
 * {@code equiv_linear_u1_block}, one real GEMM, the gradient fold {@code equiv_linear_u1_fold}) run for real without a
 * GPU: on the OpenCL backend (PoCL in CI), with the engine's SIMT {@code equiv_linear_gemm} as the real GEMM, against
 * the CPU twin's complex passes. The CUDA providers run the same Java and the same kernel source (nvcc) with cuBLAS
 * or the tensor-core GEMM in place of the SIMT one; {@code EquivLinearParityTest} checks them on a GPU.
 */
@Tag("opencl")
class BlockComplexGemmTest {
    /** The SIMT GEMM as a {@link RealGemmProvider}: alpha 1 only (the block form never negates). */
    private static final class SimtGemm extends RealGemmProvider {
        private final Kernels k;
        int calls;

        SimtGemm(Kernels k) {
            super(k, ComplexForm.BLOCK);
            this.k = k;
        }

        @Override
        public void gemm(DType dt, boolean transA, boolean transB, int m, int n, int kk, double alpha, DeviceBuffer a,
                         long aOff, int lda, DeviceBuffer b, long bOff, int ldb, double beta, DeviceBuffer c,
                         long cOff, int ldc) {
            if (alpha != 1.0) {
                throw new IllegalArgumentException("SimtGemm: expected alpha 1, found " + alpha);
            }
            calls++;
            k.kernel("equiv_linear_gemm", dt)
                    .i(m)
                    .i(n)
                    .i(kk)
                    .buf(tail(a, aOff))
                    .l(transA ? lda : 1)
                    .l(transA ? 1 : lda)
                    .buf(tail(b, bOff))
                    .l(transB ? ldb : 1)
                    .l(transB ? 1 : ldb)
                    .d(beta)
                    .buf(tail(c, cOff))
                    .l(1)
                    .l(ldc)
                    .tiles((n + 63) / 64, (m + 63) / 64)
                    .run();
        }

        private static DeviceBuffer tail(DeviceBuffer x, long off) {
            return off == 0 ? x : x.slice((int) off, x.length() - (int) off);
        }

        /** The block weight with its rows ({@code rows}) or its columns interleaved. */
        DeviceBuffer interleaved(DType dt, int m, int n, DeviceBuffer w, boolean rows) {
            return blockWeight(dt, m, n, w, rows ? ROWS_INTERLEAVED : COLUMNS_INTERLEAVED);
        }

        @Override
        public String variant() {
            return "SIMT equiv_linear_gemm (test)";
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {1, 3, 37}, {37, 41, 5}, {64, 64, 64}, {65, 17, 130}, {33, 70, 257}};
        for (DType dt : DType.values()) {
            for (int[] s : shapes) {
                for (String pass : new String[] {"forward", "backwardData", "backwardWeight"}) {
                    out.add(Arguments.of(dt, pass, s[0], s[1], s[2]));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} m={2} n={3} batch={4}")
    @MethodSource("cases")
    void blockFormMatchesTheComplexTwin(DType dt, String pass, int m, int n, int batch) {
        ClBackend cl = (ClBackend) Parity.backend("opencl");
        Backend cpu = Parity.cpu();
        SimtGemm gemm = new SimtGemm(cl.kernels());
        EquivLinearOps block = new DeviceEquivLinear(cl.kernels(), gemm);
        SplittableRandom rng = new SplittableRandom(89L * m + 17L * n + batch + pass.length());
        double[] w = gaussian(2 * m * n, 1.0, dt, rng);
        double[] z = gaussian(2 * n * batch, 1.0, dt, rng);
        double[] gy = gaussian(2 * m * batch, 1.0, dt, rng);
        double[] out0 = gaussian(2 * (pass.equals("forward") ? m * batch : pass.equals("backwardData") ? n * batch
                : m * n), 1.0, dt, rng);
        int inner = pass.equals("forward") ? n : pass.equals("backwardData") ? m : batch;
        for (double beta : new double[] {0.0, 1.0}) {
            DeviceBuffer want = upload(cpu, dt, out0), got = upload(cl, dt, out0);
            switch (pass) {
                case "forward" -> {
                    cpu.equivLinear().complexForward(m, n, batch, upload(cpu, dt, w), upload(cpu, dt, z), beta, want);
                    block.complexForward(m, n, batch, upload(cl, dt, w), upload(cl, dt, z), beta, got);
                }
                case "backwardData" -> {
                    cpu.equivLinear().complexBackwardData(m, n, batch, upload(cpu, dt, w), upload(cpu, dt, gy), beta,
                            want);
                    block.complexBackwardData(m, n, batch, upload(cl, dt, w), upload(cl, dt, gy), beta, got);
                }
                default -> {
                    cpu.equivLinear().complexBackwardWeight(m, n, batch, upload(cpu, dt, gy), upload(cpu, dt, z),
                            beta, want);
                    block.complexBackwardWeight(m, n, batch, upload(cl, dt, gy), upload(cl, dt, z), beta, got);
                }
            }
            // the block GEMM sums 2 x inner products per element (half of them with a zero-free partner block)
            assertClose("block " + dt + " " + pass + " m=" + m + " n=" + n + " batch=" + batch + " beta=" + beta,
                    download(cpu, want), download(cl, got), Parity.Tolerance.of(dt).times(Math.sqrt(2.0 * inner)));
        }
        assertEquals(2, gemm.calls, "one real GEMM per pass (two betas)");
    }

    /**
     * The interleaved block weights that the fused U(1) epilogues take: the product on the row-interleaved weight
     * is Y with each channel's Re and Im in adjacent rows (row 2j + a = Y's row a m + j), and the transposed product
     * on the column-interleaved one is W^H G_Y arranged the same way (row 2p + a = its row a n + p).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("interleavedCases")
    void interleavedBlockWeightsPutEachChannelsReAndImInAdjacentRows(DType dt) {
        ClBackend cl = (ClBackend) Parity.backend("opencl");
        Backend cpu = Parity.cpu();
        SimtGemm gemm = new SimtGemm(cl.kernels());
        int m = 37, n = 21, batch = 19;
        SplittableRandom rng = new SplittableRandom(41);
        double[] w = gaussian(2 * m * n, 1.0, dt, rng);
        double[] z = gaussian(2 * n * batch, 1.0, dt, rng);
        double[] gy = gaussian(2 * m * batch, 1.0, dt, rng);
        DeviceBuffer y = cpu.allocate(dt, 2 * m * batch), gz = cpu.allocate(dt, 2 * n * batch);
        cpu.equivLinear().complexForward(m, n, batch, upload(cpu, dt, w), upload(cpu, dt, z), 0.0, y);
        cpu.equivLinear().complexBackwardData(m, n, batch, upload(cpu, dt, w), upload(cpu, dt, gy), 0.0, gz);

        DeviceBuffer wl = upload(cl, dt, w), yv = cl.allocate(dt, 2 * m * batch), gv = cl.allocate(dt, 2 * n * batch);
        gemm.gemm(dt, false, false, 2 * m, batch, 2 * n, 1.0, gemm.interleaved(dt, m, n, wl, true), 0, 2 * m,
                upload(cl, dt, z), 0, 2 * n, 0.0, yv, 0, 2 * m);
        gemm.gemm(dt, true, false, 2 * n, batch, 2 * m, 1.0, gemm.interleaved(dt, m, n, wl, false), 0, 2 * m,
                upload(cl, dt, gy), 0, 2 * m, 0.0, gv, 0, 2 * n);
        assertClose(dt + " rows interleaved", download(cpu, y), deinterleave(download(cl, yv), m, batch),
                Parity.Tolerance.of(dt).times(Math.sqrt(2.0 * n)));
        assertClose(dt + " columns interleaved", download(cpu, gz), deinterleave(download(cl, gv), n, batch),
                Parity.Tolerance.of(dt).times(Math.sqrt(2.0 * m)));
    }

    static Stream<Arguments> interleavedCases() {
        return Stream.of(DType.values()).map(Arguments::of);
    }

    /** Rows 2j + a of each of {@code batch} columns (2 channels rows each) moved to rows a channels + j. */
    private static double[] deinterleave(double[] v, int channels, int batch) {
        double[] out = new double[v.length];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < channels; j++) {
                for (int a = 0; a < 2; a++) {
                    out[b * 2 * channels + a * channels + j] = v[b * 2 * channels + 2 * j + a];
                }
            }
        }
        return out;
    }

    @Test
    void theFormIsReadFromTheSystemPropertyAndBadValuesAreNamed() {
        String old = System.getProperty("goldstone.u1.gemm");
        try {
            System.clearProperty("goldstone.u1.gemm");
            assertEquals(RealGemmProvider.ComplexForm.BLOCK, RealGemmProvider.ComplexForm.configured());
            System.setProperty("goldstone.u1.gemm", "Four");
            assertEquals(RealGemmProvider.ComplexForm.FOUR, RealGemmProvider.ComplexForm.configured());
            System.setProperty("goldstone.u1.gemm", "three");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    RealGemmProvider.ComplexForm::configured);
            assertEquals("-Dgoldstone.u1.gemm: expected block or four, found three", e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("goldstone.u1.gemm");
            } else {
                System.setProperty("goldstone.u1.gemm", old);
            }
        }
    }
}
