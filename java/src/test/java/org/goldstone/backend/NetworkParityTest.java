package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.data.Split;
import org.goldstone.data.SyntheticTasks;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.spectral.HessianOperator;
import org.goldstone.spectral.Lanczos;
import org.goldstone.spectral.LanczosResult;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.goldstone.train.TrainConfig;
import org.goldstone.train.Trainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-network parity (issue: CUDA backend, tests): the first 20 training steps on the accelerator match the CPU,
 * and so do an exact Hessian-vector product and 20 Lanczos Ritz values, for U(1), O(4) and a layer-normed tanh MLP.
 */
@Tag("cuda")
@Tag("opencl")
class NetworkParityTest {
    private static final Split DATA = SyntheticTasks.rings(300, 100, 12, 4, 5);

    static NetSpec spec(String family) {
        switch (family) {
            case "U(1)":
                return NetSpec.builder().inputs(12).embed(Group.parse("U(1)"), 24).equivariant(6, RadialProfile.RTANH)
                        .sigmaW(1.1).readout(4).build();
            case "O(4)":
                return NetSpec.builder().inputs(12).embed(Group.orthogonal(4), 20).equivariant(6, RadialProfile.ALG)
                        .sigmaW(1.2).readout(4).build();
            default:
                return NetSpec.builder().inputs(12).dense(40, Activation.TANH).hidden(5).layerNorm(true).readout(4)
                        .build();
        }
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (String be : Parity.ACCELERATORS) {
            for (String family : new String[] {"U(1)", "O(4)", "tanh+LN"}) {
                for (DType dt : DType.values()) {
                    out.add(Arguments.of(be, family, dt));
                }
            }
        }
        for (String family : new String[] {"U(1)", "O(4)", "tanh+LN"}) {
            out.add(Arguments.of("cuda+tf32", family, DType.F32));      // tensor cores: TF32 GEMM inputs
            out.add(Arguments.of("cuda+cublas-bf16", family, DType.F32));   // bf16 GEMM inputs, fp32 accumulate
        }
        return out.build();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void twentyTrainingStepsMatchTheCpu(String name, String family, DType dt, @TempDir Path dir) {
        Backend gpu = Parity.backend(name);
        // fp64 runs Adam; fp32 runs momentum, because Adam divides by sqrt(v) and turns rounding noise in
        // near-zero gradients into full-size steps, which no tolerance on the parameters can absorb
        OptimizerSpec opt = dt == DType.F64 ? OptimizerSpec.adam(3e-3) : OptimizerSpec.momentum(0.05, 0.9, false);
        TrainConfig cfg = new TrainConfig(spec(family), opt, Schedule.constant(), 5.0, 1e-4, "ce", dt, 32, 3, 20, 11,
                5, 0, 1, "synthetic");
        double[][] theta = new double[2][];
        int idx = 0;
        for (Backend be : new Backend[] {Parity.cpu(), gpu}) {
            Trainer t = Trainer.start(cfg, DATA, be, dir.resolve(be.name()));
            t.run(new Trainer.Listener() { });
            theta[idx++] = t.parameters();
        }
        // fp64: 20 steps of rounding-level differences; fp32: 20 steps through 8 layers, relative 1e-3 of O(1) values
        // TF32 GEMM inputs (10-bit mantissa): ten times the fp32 bound; bf16 inputs: 8 times the TF32 bound
        Parity.Tolerance tol = dt == DType.F64 ? new Parity.Tolerance(1e-10, 1e-8)
                : new Parity.Tolerance(2e-4, 2e-3).times(reducedInputs(name) ? 10 * overTf32(name) : 1);
        assertClose(name + " " + family + " " + dt + " parameters after 20 steps", theta[0], theta[1], tol);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void hessianVectorProductAndLanczosMatchTheCpu(String name, String family, DType dt) {
        Backend gpu = Parity.backend(name);
        NetSpec spec = spec(family);
        FeedForwardNet net = FeedForwardNet.of(spec);
        double[] theta = net.initialParameters(new SplittableRandom(3));
        int[] batch = new int[64];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = 3 * i;
        }
        double[] v = new double[theta.length];
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextBoolean() ? 1.0 : -1.0;
        }
        double[][] hv = new double[2][];
        double[][] ritz = new double[2][];
        int idx = 0;
        for (Backend be : new Backend[] {Parity.cpu(), gpu}) {
            HessianOperator h = HessianOperator.onBatch(net, theta, Loss.parse("ce"), DATA.train(), batch, be, dt,
                    1e-4, HessianOperator.Kind.HESSIAN);
            hv[idx] = new double[theta.length];
            h.apply(v, hv[idx]);
            LanczosResult r = Lanczos.run(h, 20, v, new SplittableRandom(1));
            ritz[idx] = r.ritzValues();
            idx++;
        }
        double scale = 0;
        for (double x : hv[0]) {
            scale = Math.max(scale, Math.abs(x));
        }
        double rel = dt == DType.F64 ? 1e-10 : reducedInputs(name) ? 1e-2 * overTf32(name) : 1e-3;
        assertClose(name + " " + family + " " + dt + " Hv", hv[0], hv[1], new Parity.Tolerance(rel * scale, rel));
        double top = Math.max(Math.abs(ritz[0][0]), Math.abs(ritz[0][ritz[0].length - 1]));
        // Ritz values of 20 steps are well separated at the ends; fp32 products perturb them at the 1e-3 level
        double ritzRel = dt == DType.F64 ? 1e-8 : reducedInputs(name) ? 2e-2 * overTf32(name) : 2e-3;
        assertClose(name + " " + family + " " + dt + " Ritz values", ritz[0], ritz[1],
                new Parity.Tolerance(ritzRel * top, 0));
    }

    /** A backend whose fp32 GEMMs round their inputs coarser than fp32 (TF32 or bf16). */
    private static boolean reducedInputs(String backend) {
        return Backends.gemmInputRounding(backend) > Backends.FP32_ROUNDING;
    }

    /**
     * The backend's GEMM input unit roundoff over TF32's: 1 for TF32 inputs (the TF32 tolerances stay as they are),
     * 8 for bf16 inputs (2^-8 / 2^-11). The reduced-precision tolerances are the TF32 ones times this factor: over 20
     * steps, one HVP and 20 Lanczos steps the differences stay first order in the input rounding (each is a sum of
     * per-GEMM rounding errors, propagated linearly), so scaling u by 8 scales them, and the bound, by about 8.
     */
    private static double overTf32(String backend) {
        return Backends.gemmInputRounding(backend) / Backends.TF32_ROUNDING;
    }
}
