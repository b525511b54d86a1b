package org.goldstone.spectral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.goldstone.GoldstoneException;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.data.Split;
import org.goldstone.data.SyntheticTasks;
import org.goldstone.group.Group;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * Lanczos with its vectors on a backend ({@link Lanczos#runOnDevice}) against the host run, on the CPU backend
 * (whose {@code lanczos} op is the twin the CUDA kernels are tested against): same alphas, betas, breakdowns and
 * Ritz values up to rounding, on a planted spectrum with restarts and on a network Hessian.
 */
class DeviceLanczosTest {
    /** A dense matrix as a device operator on the CPU backend. */
    private static final class DeviceMatrix implements DeviceOperator {
        private final ExplicitOperator a;
        private final Backend be;

        DeviceMatrix(ExplicitOperator a, Backend be) {
            this.a = a;
            this.be = be;
        }

        @Override
        public int dimension() {
            return a.dimension();
        }

        @Override
        public void apply(double[] v, double[] out) {
            a.apply(v, out);
        }

        @Override
        public Backend backend() {
            return be;
        }

        @Override
        public void applyOnDevice(DeviceBuffer v, DeviceBuffer out) {
            double[] x = new double[v.length()], y = new double[v.length()];
            be.read(v, x);
            a.apply(x, y);
            be.write(out, y);
        }
    }

    private static void assertSameRun(LanczosResult host, LanczosResult device, double tol, String what) {
        assertEquals(host.steps(), device.steps(), what + ": steps");
        assertEquals(host.breakdowns(), device.breakdowns(), what + ": breakdowns");
        for (int i = 0; i < host.steps(); i++) {
            assertEquals(host.alpha()[i], device.alpha()[i], tol, what + ": alpha_" + (i + 1) + ", tol " + tol);
            assertEquals(host.beta()[i], device.beta()[i], tol, what + ": beta_" + (i + 1) + ", tol " + tol);
            assertEquals(host.ritzValues()[i], device.ritzValues()[i], tol, what + ": Ritz value " + i + ", tol "
                    + tol);
        }
    }

    @Test
    void plantedSpectrumWithRestartsMatchesTheHostRun() {
        SplittableRandom rng = new SplittableRandom(35);
        int p = 30;
        ExplicitOperator a = ExplicitOperator.threeValued(p, rng);
        double[] start = Vectors.rademacher(p, rng);
        Lanczos.Options o = Lanczos.Options.of(12).withStart(start).withKeepBasis(true);
        try (Backend be = new CpuBackend(2)) {
            LanczosResult host = Lanczos.run(a, o, new SplittableRandom(7));
            LanczosResult device = Lanczos.runOnDevice(new DeviceMatrix(a, be), o, new SplittableRandom(7));
            assertSameRun(host, device, 1e-12, "planted {-1, 2, 5}");
            for (int j = 0; j < host.steps(); j++) {
                for (int i = 0; i < p; i++) {
                    assertEquals(host.basis()[j][i], device.basis()[j][i], 1e-12, "basis vector " + j + " entry " + i);
                }
            }
        }
    }

    /** The Hessian of a small U(1) net on {@code train} ring samples, in batches of {@code batch}. */
    private static HessianOperator ringsHessian(int train, int batch, Backend be, DType dtype, double weightDecay) {
        Split data = SyntheticTasks.rings(train, 16, 6, 3, 2);
        NetSpec spec = NetSpec.builder().inputs(6).embed(Group.parse("U(1)"), 5).equivariant(3, RadialProfile.RTANH)
                .sigmaW(1.1).readout(3).build();
        FeedForwardNet net = FeedForwardNet.of(spec);
        double[] theta = net.initialParameters(new SplittableRandom(4));
        return HessianOperator.onDataset(net, theta, Loss.parse("ce"), data.train(), batch, be, dtype, weightDecay,
                HessianOperator.Kind.HESSIAN);
    }

    @Test
    void networkHessianMatchesTheHostRun() {
        try (Backend be = new CpuBackend(2)) {
            HessianOperator h = ringsHessian(200, 64, be, DType.F64, 1e-3);
            Lanczos.Options o = Lanczos.Options.of(25);
            LanczosResult host = Lanczos.run(h, o, new SplittableRandom(11));
            LanczosResult device = Lanczos.runOnDevice(h, o, new SplittableRandom(11));
            double scale = Math.abs(host.ritzValues()[host.steps() - 1]);
            assertSameRun(host, device, 1e-9 * scale, "U(1) net Hessian, 4 batches");
        }
    }

    /**
     * An fp32 network Hessian on one batch, with weight decay: its fp32 apply runs the product on the caller's arrays
     * (CPU backend, {@code Backend.wrap}) and overwrites whatever they held (here NaN), with the values of the fp64
     * apply rounded to fp32; the
     * host run on fp32 vectors ({@link HostLanczosSpace32}) gives the device run's Ritz values (fp64 basis) up to
     * fp32 rounding.
     */
    @Test
    void fp32NetworkHessianRunsInPlaceAndMatchesTheDeviceRun() {
        try (Backend be = new CpuBackend(2)) {
            HessianOperator h = ringsHessian(128, 128, be, DType.F32, 1e-3);
            int p = h.dimension();
            h.gradient();                                    // the fp32 fast path starts once the gradient is known
            double[] v = Vectors.rademacher(p, new SplittableRandom(5)), out64 = new double[p];
            float[] v32 = new float[p], out32 = new float[p];
            for (int i = 0; i < p; i++) {
                v32[i] = (float) v[i];
            }
            java.util.Arrays.fill(out32, Float.NaN);
            h.apply(v, out64);
            h.apply(v32, out32);
            for (int i = 0; i < p; i++) {                   // the same fp32 product; weight decay added in fp64
                assertEquals(out64[i], out32[i], Math.ulp(out32[i]), "fp32 apply vs fp64 apply, entry " + i);
            }
            LanczosResult host = Lanczos.run(h, Lanczos.Options.of(20), new SplittableRandom(11));
            LanczosResult device = Lanczos.runOnDevice(h, Lanczos.Options.of(20), new SplittableRandom(11));
            double scale = Math.abs(host.ritzValues()[host.steps() - 1]);
            for (int i = 0; i < host.steps(); i++) {
                assertEquals(device.ritzValues()[i], host.ritzValues()[i], 1e-5 * scale, "Ritz value " + i
                        + ": fp32 vectors vs the fp64 device basis, tol 1e-5 of the largest");
            }
        }
    }

    @Test
    void deviceRunNeedsFullReorthogonalization() {
        ExplicitOperator a = ExplicitOperator.withSpectrum(new double[] {1, 2, 3}, new SplittableRandom(1));
        try (Backend be = new CpuBackend(1)) {
            GoldstoneException e = assertThrows(GoldstoneException.class, () -> Lanczos.runOnDevice(
                    new DeviceMatrix(a, be), Lanczos.Options.of(2).withReorthogonalization(Reorthogonalization.NONE),
                    new SplittableRandom(1)));
            assertEquals("Lanczos on the device: expected FULL reorthogonalization, found NONE", e.getMessage());
        }
    }
}
