package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.UnitShape;
import org.goldstone.testing.Parity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused equivariant layer ({@code EquivLinearOps.gemmNormAct}: Y = W Z and Z' = h(|y|^2) y in one kernel,
 * {@code tc_gemm_tf32_mma_act_*}) against its CPU twin, the GEMM followed by the norm nonlinearity
 * ({@code CpuEquivLinear.gemm}, {@code CpuNormAct.forward}), and the Jacobian epilogue of the backward and R-passes
 * ({@code gemmNormActJacobian}, {@code tc_gemm_tf32_mma_jac_*}) against the GEMM followed by
 * {@code CpuNormAct.backward}, and the HVP's backward epilogue ({@code gemmNormActBackwardR},
 * {@code tc_gemm_tf32_mma_jacr_kk}) against the GEMM followed by {@code CpuNormAct.backwardAndRop}. The fused kernels
 * exist on "cuda+tf32" unless {@code -Dgoldstone.tc.kernel=sync} (the derivative ones also unless
 * {@code -Dgoldstone.tc.jacobian=false}); with those options the GPU cases are skipped, as they are without a GPU.
 */
class FusedLayerParityTest {
    private static final boolean MMA = !"sync".equals(System.getProperty("goldstone.tc.kernel", "mma"));

    /**
     * (m channels, batch, kk input channels, k): units of 1, 2, 4 and 8 columns; extents that are not multiples of
     * the 128-tile (bounds), one with a single tile row, and the depth-100 benchmark's width-256 O(4) layer.
     */
    static Stream<Arguments> shapes() {
        int[][] shapes = {{64, 77, 36, 1}, {36, 10, 40, 2}, {100, 37, 52, 4}, {128, 33, 64, 4}, {32, 20, 64, 8},
            {256, 64, 256, 4}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            for (RadialProfile p : new RadialProfile[] {RadialProfile.ALG, RadialProfile.RTANH, RadialProfile.GATE}) {
                out.add(Arguments.of(s[0], s[1], s[2], s[3], p));
            }
        }
        return out.stream();
    }

    @Tag("cuda")
    @ParameterizedTest(name = "m={0} batch={1} kk={2} k={3} {4}")
    @MethodSource("shapes")
    void fusedLayerMatchesGemmThenNormAct(int m, int batch, int kk, int k, RadialProfile profile) {
        assumeTrue(MMA, "no fused kernel with -Dgoldstone.tc.kernel=sync");
        Backend gpu = Parity.backend("cuda+tf32");
        Backend cpu = Parity.cpu();
        Radial radial = Radial.of(profile);
        int n = batch * k;
        SplittableRandom rng = new SplittableRandom(7L * m + 11L * batch + kk + k);
        double[] w = gaussian(m * kk, 1.0 / Math.sqrt(kk), DType.F32, rng);
        double[] z = gaussian(kk * n, 1.0, DType.F32, rng);

        DeviceBuffer cy = cpu.allocate(DType.F32, m * n), cz = cpu.allocate(DType.F32, m * n);
        cpu.equivLinear().gemm(false, false, m, n, kk, upload(cpu, DType.F32, w), upload(cpu, DType.F32, z), 0.0, cy);
        cpu.normAct().forward(radial, cy, cz, new UnitShape(m, batch, k));

        DeviceBuffer gy = gpu.allocate(DType.F32, m * n), gz = gpu.allocate(DType.F32, m * n);
        assertTrue(gpu.equivLinear().gemmNormAct(m, n, kk, upload(gpu, DType.F32, w), upload(gpu, DType.F32, z), gy,
                gz, radial, k), "cuda+tf32 with the mma kernel: expected the fused path for " + m + "x" + n + "x" + kk
                + " k=" + k);
        // TF32 inputs (EquivLinearParityTest.TF32); with weights of norm ~1 per row the outputs are O(1), and z = h y
        // with |d z / d y| <= 1 for these profiles, so the same bound holds for z
        Parity.Tolerance tol = EquivLinearParityTest.TF32.times(Math.sqrt(kk));
        String what = "fused " + profile + " " + m + "x" + n + "x" + kk + " k=" + k;
        assertClose(what + " Y", download(cpu, cy), download(gpu, gy), tol);
        assertClose(what + " Z", download(cpu, cz), download(gpu, gz), tol);
    }

    /** The derivative epilogues exist unless -Dgoldstone.tc.kernel=sync or -Dgoldstone.tc.jacobian=false. */
    private static void assumeJacobianEpilogues() {
        assumeTrue(MMA, "no fused kernel with -Dgoldstone.tc.kernel=sync");
        assumeTrue(!"false".equals(System.getProperty("goldstone.tc.jacobian")),
                "no Jacobian epilogue with -Dgoldstone.tc.jacobian=false");
    }

    /**
     * The Jacobian epilogue ({@code tc_gemm_tf32_mma_jac_*}) in both of its uses: the data gradient through the
     * nonlinearity below a layer (out = J(y) W^T G, G not kept) and the forward R-pass's second GEMM (C = V Z + W R,
     * kept, and out = J(y) C); against the GEMM followed by {@code CpuNormAct.backward}.
     */
    @Tag("cuda")
    @ParameterizedTest(name = "m={0} batch={1} kk={2} k={3} {4}")
    @MethodSource("shapes")
    void jacobianEpilogueMatchesGemmThenNormActBackward(int m, int batch, int kk, int k, RadialProfile profile) {
        assumeJacobianEpilogues();
        Backend gpu = Parity.backend("cuda+tf32");
        Backend cpu = Parity.cpu();
        Radial radial = Radial.of(profile);
        int n = batch * k;
        SplittableRandom rng = new SplittableRandom(13L * m + 5L * batch + kk + k);
        double[] w = gaussian(m * kk, 1.0 / Math.sqrt(kk), DType.F32, rng);      // as W^T: stored kk x m
        double[] b = gaussian(kk * n, 1.0, DType.F32, rng);
        double[] y = gaussian(m * n, 1.0, DType.F32, rng);
        double[] c0 = gaussian(m * n, 1.0, DType.F32, rng);
        // |J| <= 1 for ALG and RTANH; GATE's radial eigenvalue h + 2 h' q reaches about 1.2 at |y| ~ 1
        Parity.Tolerance tol = EquivLinearParityTest.TF32.times(2 * Math.sqrt(kk));
        for (boolean transA : new boolean[] {true, false}) {
            double beta = transA ? 0.0 : 1.0;
            DeviceBuffer cc = upload(cpu, DType.F32, c0), cout = cpu.allocate(DType.F32, m * n);
            cpu.equivLinear().gemm(transA, false, m, n, kk, upload(cpu, DType.F32, w), upload(cpu, DType.F32, b), beta,
                    cc);
            cpu.normAct().backward(radial, upload(cpu, DType.F32, y), cc, cout, new UnitShape(m, batch, k));

            DeviceBuffer gc = transA ? null : upload(gpu, DType.F32, c0), gout = gpu.allocate(DType.F32, m * n);
            String what = "Jacobian epilogue " + (transA ? "W^T G" : "C + W R") + " " + profile + " " + m + "x" + n
                    + "x" + kk + " k=" + k;
            assertTrue(gpu.equivLinear().gemmNormActJacobian(transA, m, n, kk, upload(gpu, DType.F32, w),
                    upload(gpu, DType.F32, b), beta, gc, upload(gpu, DType.F32, y), gout, radial, k),
                    what + ": expected the fused path on cuda+tf32 with the mma kernel");
            if (gc != null) {
                assertClose(what + " C", download(cpu, cc), download(gpu, gc), tol);
            }
            assertClose(what + " out", download(cpu, cout), download(gpu, gout), tol);
        }
    }

    /**
     * The HVP's backward epilogue ({@code tc_gemm_tf32_mma_jacr_kk}): R = W^T B + C, then G_y and R{G_y} from y, R{y},
     * G_z and R, written in place over G_z and C; against the GEMM followed by {@code CpuNormAct.backwardAndRop}.
     */
    @Tag("cuda")
    @ParameterizedTest(name = "m={0} batch={1} kk={2} k={3} {4}")
    @MethodSource("shapes")
    void hvpBackwardEpilogueMatchesGemmThenBackwardAndRop(int m, int batch, int kk, int k, RadialProfile profile) {
        assumeJacobianEpilogues();
        Backend gpu = Parity.backend("cuda+tf32");
        Backend cpu = Parity.cpu();
        Radial radial = Radial.of(profile);
        int n = batch * k;
        SplittableRandom rng = new SplittableRandom(3L * m + 19L * batch + kk + k);
        double[] w = gaussian(m * kk, 1.0 / Math.sqrt(kk), DType.F32, rng);      // W^T: stored kk x m
        double[] b = gaussian(kk * n, 1.0, DType.F32, rng);
        double[] c0 = gaussian(m * n, 1.0, DType.F32, rng);
        double[] y = gaussian(m * n, 1.0, DType.F32, rng);
        double[] ry = gaussian(m * n, 1.0, DType.F32, rng);
        double[] g0 = gaussian(m * n, 1.0, DType.F32, rng);
        UnitShape s = new UnitShape(m, batch, k);

        DeviceBuffer cr = upload(cpu, DType.F32, c0), cgy = cpu.allocate(DType.F32, m * n);
        DeviceBuffer crgy = cpu.allocate(DType.F32, m * n);
        cpu.equivLinear().gemm(true, false, m, n, kk, upload(cpu, DType.F32, w), upload(cpu, DType.F32, b), 1.0, cr);
        cpu.normAct().backwardAndRop(radial, upload(cpu, DType.F32, y), upload(cpu, DType.F32, ry),
                upload(cpu, DType.F32, g0), cr, cgy, crgy, s);

        DeviceBuffer gc = upload(gpu, DType.F32, c0), gg = upload(gpu, DType.F32, g0);
        String what = "HVP backward epilogue " + profile + " " + m + "x" + n + "x" + kk + " k=" + k;
        assertTrue(gpu.equivLinear().gemmNormActBackwardR(true, m, n, kk, upload(gpu, DType.F32, w),
                upload(gpu, DType.F32, b), 1.0, gc, upload(gpu, DType.F32, y), upload(gpu, DType.F32, ry), gg, radial,
                k), what + ": expected the fused path on cuda+tf32 with the mma kernel");
        // only R carries TF32 rounding; R{G_y} takes it through h R and c_y y (|h|, |2 h' y.y| <= 1 here, with O(1)
        // factors from y); G_y is the exact inputs' fp32 result
        Parity.Tolerance tol = EquivLinearParityTest.TF32.times(4 * Math.sqrt(kk));
        assertClose(what + " G_y", download(cpu, cgy), download(gpu, gg), tol);
        assertClose(what + " R{G_y}", download(cpu, crgy), download(gpu, gc), tol);
    }

    /** (m, n, batch) of U(1) layers: extents off the 128-tile, one tile, and width 256. */
    static Stream<Arguments> complexShapes() {
        int[][] shapes = {{64, 48, 77}, {100, 36, 130}, {128, 128, 64}, {256, 256, 64}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : shapes) {
            for (RadialProfile p : new RadialProfile[] {RadialProfile.ALG, RadialProfile.RTANH}) {
                out.add(Arguments.of(s[0], s[1], s[2], p));
            }
        }
        return out.stream();
    }

    /**
     * The U(1) forms of the four fused passes (one GEMM on the row- or column-interleaved block weight, units of
     * adjacent rows) against the CPU twin's complex pass followed by the nonlinearity with k = 2.
     */
    @Tag("cuda")
    @ParameterizedTest(name = "m={0} n={1} batch={2} {3}")
    @MethodSource("complexShapes")
    void complexEpiloguesMatchTheComplexPassThenTheNonlinearity(int m, int n, int batch, RadialProfile profile) {
        assumeJacobianEpilogues();
        assumeTrue(!"four".equalsIgnoreCase(System.getProperty("goldstone.u1.gemm", "")),
                "the fused U(1) passes are the block form's; -Dgoldstone.u1.gemm=four has none");
        Backend gpu = Parity.backend("cuda+tf32");
        Backend cpu = Parity.cpu();
        Radial radial = Radial.of(profile);
        SplittableRandom rng = new SplittableRandom(17L * m + 3L * n + batch);
        DType f = DType.F32;
        double[] w = gaussian(2 * m * n, 1.0 / Math.sqrt(2.0 * n), f, rng);
        double[] z = gaussian(2 * n * batch, 1.0, f, rng), gy = gaussian(2 * m * batch, 1.0, f, rng);
        double[] ym = gaussian(2 * m * batch, 1.0, f, rng), yn = gaussian(2 * n * batch, 1.0, f, rng);
        double[] ryn = gaussian(2 * n * batch, 1.0, f, rng), g0 = gaussian(2 * n * batch, 1.0, f, rng);
        double[] cm = gaussian(2 * m * batch, 1.0, f, rng), cn = gaussian(2 * n * batch, 1.0, f, rng);
        UnitShape sm = new UnitShape(m, batch, 2), sn = new UnitShape(n, batch, 2);
        Parity.Tolerance tol = EquivLinearParityTest.TF32.times(4 * Math.sqrt(2.0 * Math.max(m, n)));
        String what = "U(1) " + profile + " m=" + m + " n=" + n + " batch=" + batch;

        // forward: Y = W Z, Z' = h y
        DeviceBuffer cy = cpu.allocate(f, 2 * m * batch), cz = cpu.allocate(f, 2 * m * batch);
        cpu.equivLinear().complexForward(m, n, batch, upload(cpu, f, w), upload(cpu, f, z), 0.0, cy);
        cpu.normAct().forward(radial, cy, cz, sm);
        DeviceBuffer gY = gpu.allocate(f, 2 * m * batch), gZ = gpu.allocate(f, 2 * m * batch);
        assertTrue(gpu.equivLinear().complexForwardNormAct(m, n, batch, upload(gpu, f, w), upload(gpu, f, z), gY, gZ,
                radial), what + ": expected the fused forward");
        assertClose(what + " forward Y", download(cpu, cy), download(gpu, gY), tol);
        assertClose(what + " forward Z", download(cpu, cz), download(gpu, gZ), tol);

        // the data gradient through the nonlinearity below: J(y_n) W^H G_Y
        DeviceBuffer cg = cpu.allocate(f, 2 * n * batch), cout = cpu.allocate(f, 2 * n * batch);
        cpu.equivLinear().complexBackwardData(m, n, batch, upload(cpu, f, w), upload(cpu, f, gy), 0.0, cg);
        cpu.normAct().backward(radial, upload(cpu, f, yn), cg, cout, sn);
        DeviceBuffer gout = gpu.allocate(f, 2 * n * batch);
        assertTrue(gpu.equivLinear().complexNormActJacobian(true, m, n, batch, upload(gpu, f, w), upload(gpu, f, gy),
                0.0, null, upload(gpu, f, yn), gout, radial), what + ": expected the fused data gradient");
        assertClose(what + " J W^H G", download(cpu, cout), download(gpu, gout), tol);

        // the forward R-pass's second product: C = C + W Z, out = J(y_m) C
        DeviceBuffer cc = upload(cpu, f, cm), crz = cpu.allocate(f, 2 * m * batch);
        cpu.equivLinear().complexForward(m, n, batch, upload(cpu, f, w), upload(cpu, f, z), 1.0, cc);
        cpu.normAct().backward(radial, upload(cpu, f, ym), cc, crz, sm);
        DeviceBuffer gc = upload(gpu, f, cm), grz = gpu.allocate(f, 2 * m * batch);
        assertTrue(gpu.equivLinear().complexNormActJacobian(false, m, n, batch, upload(gpu, f, w), upload(gpu, f, z),
                1.0, gc, upload(gpu, f, ym), grz, radial), what + ": expected the fused R-pass");
        assertClose(what + " C + W Z", download(cpu, cc), download(gpu, gc), tol);
        assertClose(what + " J (C + W Z)", download(cpu, crz), download(gpu, grz), tol);

        // the HVP's backward: R = C + W^H G_Y, then G_y and R{G_y} in place over g and C
        DeviceBuffer cr = upload(cpu, f, cn), cgy = cpu.allocate(f, 2 * n * batch);
        DeviceBuffer crgy = cpu.allocate(f, 2 * n * batch);
        cpu.equivLinear().complexBackwardData(m, n, batch, upload(cpu, f, w), upload(cpu, f, gy), 1.0, cr);
        cpu.normAct().backwardAndRop(radial, upload(cpu, f, yn), upload(cpu, f, ryn), upload(cpu, f, g0), cr, cgy,
                crgy, sn);
        DeviceBuffer gr = upload(gpu, f, cn), gg = upload(gpu, f, g0);
        assertTrue(gpu.equivLinear().complexNormActBackwardR(m, n, batch, upload(gpu, f, w), upload(gpu, f, gy), 1.0,
                gr, upload(gpu, f, yn), upload(gpu, f, ryn), gg, radial), what + ": expected the fused HVP backward");
        assertClose(what + " G_y", download(cpu, cgy), download(gpu, gg), tol);
        assertClose(what + " R{G_y}", download(cpu, crgy), download(gpu, gr), tol);
    }

    @Tag("cuda")
    @Test
    void splitProblemsAndOddUnitsFallBackWritingNothing() {
        assumeTrue(MMA, "no fused kernel with -Dgoldstone.tc.kernel=sync");
        Backend gpu = Parity.backend("cuda+tf32");
        Radial radial = Radial.of(RadialProfile.ALG);
        SplittableRandom rng = new SplittableRandom(5);
        // one 128-tile and K = 4096: the GEMM would split K, so the fused kernel declines; k = 3 units straddle tiles
        int[][] cases = {{64, 16, 4096, 4}, {64, 32, 64, 3}};
        for (int[] c : cases) {
            int m = c[0], n = c[1] * c[3], kk = c[2];
            double[] sentinel = new double[m * n];
            java.util.Arrays.fill(sentinel, 42.0);
            DeviceBuffer y = upload(gpu, DType.F32, sentinel), z = upload(gpu, DType.F32, sentinel);
            assertFalse(gpu.equivLinear().gemmNormAct(m, n, kk,
                    upload(gpu, DType.F32, gaussian(m * kk, 1.0, DType.F32, rng)),
                    upload(gpu, DType.F32, gaussian(kk * n, 1.0, DType.F32, rng)), y, z, radial, c[3]),
                    "expected no fused kernel for " + m + "x" + n + "x" + kk + " k=" + c[3]);
            assertArrayEquals(sentinel, download(gpu, y), 0.0, "Y written although the fused path declined");
            assertArrayEquals(sentinel, download(gpu, z), 0.0, "Z written although the fused path declined");
            DeviceBuffer out = upload(gpu, DType.F32, sentinel);
            assertFalse(gpu.equivLinear().gemmNormActJacobian(false, m, n, kk,
                    upload(gpu, DType.F32, gaussian(m * kk, 1.0, DType.F32, rng)),
                    upload(gpu, DType.F32, gaussian(kk * n, 1.0, DType.F32, rng)), 1.0, y,
                    upload(gpu, DType.F32, gaussian(m * n, 1.0, DType.F32, rng)), out, radial, c[3]),
                    "expected no Jacobian epilogue for " + m + "x" + n + "x" + kk + " k=" + c[3]);
            assertArrayEquals(sentinel, download(gpu, y), 0.0, "C written although the Jacobian epilogue declined");
            assertArrayEquals(sentinel, download(gpu, out), 0.0, "out written although the Jacobian epilogue declined");
            assertFalse(gpu.equivLinear().gemmNormActBackwardR(true, m, n, kk,
                    upload(gpu, DType.F32, gaussian(kk * m, 1.0, DType.F32, rng)),
                    upload(gpu, DType.F32, gaussian(kk * n, 1.0, DType.F32, rng)), 1.0, y,
                    upload(gpu, DType.F32, gaussian(m * n, 1.0, DType.F32, rng)),
                    upload(gpu, DType.F32, gaussian(m * n, 1.0, DType.F32, rng)), out, radial, c[3]),
                    "expected no HVP backward epilogue for " + m + "x" + n + "x" + kk + " k=" + c[3]);
            assertArrayEquals(sentinel, download(gpu, y), 0.0, "C written although the HVP epilogue declined");
            assertArrayEquals(sentinel, download(gpu, out), 0.0, "G written although the HVP epilogue declined");
        }
    }

    /**
     * With {@code -Dgoldstone.tc.kernel=wgmma} on compute capability 9.0 the wgmma kernels must really be the ones
     * the parity cases above ran (the backend's description says which); elsewhere it names why they are not.
     */
    @Tag("cuda")
    @Test
    void wgmmaIsWhatRunsWhereItIsAskedFor() {
        assumeTrue("wgmma".equals(System.getProperty("goldstone.tc.kernel")),
                "the wgmma kernels are asked for with -Dgoldstone.tc.kernel=wgmma");
        String d = Parity.backend("cuda+tf32").describe();
        assertTrue(d.contains("wgmma kernels") || d.contains("wgmma unavailable: "), d);
        if (d.contains("compute 9.0")) {
            assertTrue(d.contains("wgmma kernels"), "expected the wgmma kernels on compute capability 9.0: " + d);
        }
    }

    /**
     * The device launcher checks a fused call's operands before it asks any kernel, and says what it expected and
     * found (run on OpenCL, whose launcher is the CUDA one and which has no fused kernel).
     */
    @Tag("opencl")
    @Test
    void fusedCallsWithBadOperandsNameWhatWasExpected() {
        Backend cl = Parity.backend("opencl");
        Radial radial = Radial.of(RadialProfile.ALG);
        DeviceBuffer a = cl.allocate(DType.F32, 6), b = cl.allocate(DType.F32, 12), out = cl.allocate(DType.F32, 8);
        DeviceBuffer shortY = cl.allocate(DType.F32, 7), y = cl.allocate(DType.F32, 8);
        BackendException e = assertThrows(BackendException.class, () -> cl.equivLinear().gemmNormActJacobian(false,
                2, 4, 3, a, b, 1.0, null, y, out, radial, 2));
        assertEquals("gemmNormActJacobian: expected beta 0 without C, found 1.0", e.getMessage());
        e = assertThrows(BackendException.class, () -> cl.equivLinear().gemmNormActJacobian(false, 2, 4, 3, a, b, 0.0,
                null, shortY, out, radial, 2));
        assertEquals("gemmNormActJacobian: expected each result-sized operand of 8 elements, found 7", e.getMessage());
        e = assertThrows(BackendException.class, () -> cl.equivLinear().gemmNormActBackwardR(true, 2, 4, 3, a, b, 1.0,
                null, y, y, out, radial, 2));
        assertEquals("gemmNormActBackwardR: expected C (it receives R{G_y}), found null", e.getMessage());
        e = assertThrows(BackendException.class, () -> cl.equivLinear().complexNormActJacobian(true, 2, 3, 2, a, b,
                0.0, null, y, out, radial));
        assertTrue(e.getMessage().startsWith("complexNormActJacobian: expected A of 12 elements, found 6"),
                e.getMessage());
        assertFalse(cl.equivLinear().gemmNormActJacobian(false, 2, 4, 3, a, b, 0.0, null, y, out, radial, 2),
                "OpenCL has no fused kernel");
    }

    @Test
    void theCpuBackendHasNoFusedKernelAndWritesNothing() {
        Backend cpu = Parity.cpu();
        DeviceBuffer y = cpu.allocate(DType.F64, 8), z = cpu.allocate(DType.F64, 8);
        cpu.write(y, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertFalse(cpu.equivLinear().gemmNormAct(2, 4, 3, upload(cpu, DType.F64, new double[6]),
                upload(cpu, DType.F64, new double[12]), y, z, Radial.of(RadialProfile.ALG), 2));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, download(cpu, y), 0.0);
        assertFalse(cpu.equivLinear().gemmNormActJacobian(true, 2, 4, 3, upload(cpu, DType.F64, new double[6]),
                upload(cpu, DType.F64, new double[12]), 0.0, null, y, z, Radial.of(RadialProfile.ALG), 2));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, download(cpu, y), 0.0);
        assertFalse(cpu.equivLinear().gemmNormActBackwardR(true, 2, 4, 3, upload(cpu, DType.F64, new double[6]),
                upload(cpu, DType.F64, new double[12]), 1.0, y, z, z, z, Radial.of(RadialProfile.ALG), 2));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, download(cpu, y), 0.0);
    }
}
