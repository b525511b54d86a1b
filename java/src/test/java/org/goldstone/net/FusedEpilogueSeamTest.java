package org.goldstone.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.EquivLinearOps;
import org.goldstone.backend.LanczosOps;
import org.goldstone.backend.LossOps;
import org.goldstone.backend.NormActOps;
import org.goldstone.backend.OptimOps;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.backend.ReduceOps;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.group.Group;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.UnitShape;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The network's use of the fused epilogues ({@code EquivLinearOps.gemmNormAct}, {@code gemmNormActJacobian},
 * {@code gemmNormActBackwardR} and their complex forms), run on the CPU: a backend that "fuses" by running the CPU
 * twin (the GEMM, then {@code NormActOps.forward}, {@code backward} or {@code backwardAndRop}) must give the plain CPU
 * backend's forward, gradient, Hessian-vector and Gauss-Newton products to the bit, and must be asked for the fused
 * pass at every layer where the GPU kernel would run: the forward of every equivariant layer followed by a
 * nonlinearity, the data gradient through every nonlinearity that feeds an equivariant layer (not the first level's),
 * the forward R-pass of every equivariant layer followed by a nonlinearity, and the HVP's backward through every
 * nonlinearity that feeds an equivariant layer; O(k) layers through the real methods, U(1) through the complex ones.
 * The kernels themselves are checked against the same twin on the GPU ({@code FusedLayerParityTest}) and on the host
 * ({@code native/epilogue_check.cu}).
 */
class FusedEpilogueSeamTest {
    @ParameterizedTest(name = "{0} depth {1}")
    @CsvSource({"O(4), 4", "O(2), 3", "O(1), 2", "U(1), 3"})
    void fusingBackendGivesThePlainBackendsResultsBitForBit(String group, int depth) {
        NetSpec spec = NetSpec.builder().inputs(5).embed(Group.parse(group), 3).equivariant(depth, RadialProfile.RTANH)
                .sigmaW(1.3).readout(3).build();
        FeedForwardNet net = FeedForwardNet.of(spec);
        SplittableRandom rng = new SplittableRandom(17);
        int batch = 7;
        double[] x = Host.gaussian(spec.inputs() * batch, rng);
        double[] labels = new double[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextInt(spec.classes());
        }
        double[] theta = net.initialParameters(rng);
        double[] v = Host.gaussian(theta.length, rng);

        Results plain = run(new CpuBackend(2), net, x, labels, theta, v);
        Fusing fusing = new Fusing(new CpuBackend(2));
        Results fused = run(fusing, net, x, labels, theta, v);
        assertArrayEquals(plain.logits, fused.logits, 0.0, "logits");
        assertArrayEquals(plain.gradient, fused.gradient, 0.0, "gradient");
        assertArrayEquals(plain.hv, fused.hv, 0.0, "Hessian-vector product");
        assertArrayEquals(plain.gv, fused.gv, 0.0, "Gauss-Newton product");

        // the embedding is an affine map (then act.0); each of the depth internal layers is followed by a nonlinearity
        // and fed by one (act.0 for the first), and each fuses: O(k) on the real GEMM, U(1) on the complex one
        int fusable = depth;
        // forwards: logits, gradient, HVP and GGN each run the forward once
        assertEquals(4 * fusable, fusing.forwards, "fused forwards");
        // data gradients through the nonlinearity below each internal layer: the gradient's and the GGN's backward
        assertEquals(2 * fusable, fusing.dataGradients, "fused data gradients");
        // forward R-passes: the HVP's and the GGN's
        assertEquals(2 * fusable, fusing.rPasses, "fused forward R-passes");
        // the HVP's backward through the nonlinearity below each internal layer
        assertEquals(fusable, fusing.hvpBackwards, "fused HVP backwards");
    }

    private record Results(double[] logits, double[] gradient, double[] hv, double[] gv) {
    }

    private static Results run(Backend be, FeedForwardNet net, double[] x, double[] labels, double[] theta,
                               double[] v) {
        int batch = labels.length;
        try (be) {
            FeedForwardNet.Workspace ws = net.workspace(be, DType.F64, batch);
            ws.load(Host.toFloat(x), labels, batch);
            be.write(ws.activation(0, batch), x);
            DeviceBuffer p = be.allocate(DType.F64, theta.length), vb = be.allocate(DType.F64, theta.length);
            be.write(p, theta);
            be.write(vb, v);
            double[] logits = read(be, net.forward(ws, p, batch));
            Loss loss = Loss.parse("ce");
            DeviceBuffer g = be.allocate(DType.F64, theta.length);
            net.lossAndGradient(ws, p, g, loss, batch);
            DeviceBuffer hv = be.allocate(DType.F64, theta.length), gv = be.allocate(DType.F64, theta.length);
            net.hessianVector(ws, p, vb, null, hv, loss, batch);
            net.gaussNewtonVector(ws, p, vb, gv, loss, batch);
            return new Results(logits, read(be, g), read(be, hv), read(be, gv));
        }
    }

    private static double[] read(Backend be, DeviceBuffer b) {
        double[] out = new double[b.length()];
        be.read(b, out);
        return out;
    }

    /** The CPU backend, with the fused passes run as their CPU twin (GEMM, then the nonlinearity) and counted. */
    private static final class Fusing implements Backend {
        private final Backend cpu;
        private final EquivLinearOps ops;
        int forwards, dataGradients, rPasses, hvpBackwards;

        Fusing(Backend cpu) {
            this.cpu = cpu;
            EquivLinearOps base = cpu.equivLinear();
            this.ops = new EquivLinearOps() {
                @Override
                public boolean gemmNormAct(int m, int n, int kk, DeviceBuffer a, DeviceBuffer b, DeviceBuffer y,
                                           DeviceBuffer z, Radial radial, int k) {
                    base.gemm(false, false, m, n, kk, a, b, 0.0, y);
                    cpu.normAct().forward(radial, y, z, new UnitShape(m, n / k, k));
                    forwards++;
                    return true;
                }

                @Override
                public boolean gemmNormActJacobian(boolean transA, int m, int n, int kk, DeviceBuffer a,
                                                   DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                                   DeviceBuffer out, Radial radial, int k) {
                    DeviceBuffer g = c != null ? c : cpu.allocate(out.dtype(), m * n);
                    base.gemm(transA, false, m, n, kk, a, b, beta, g);
                    cpu.normAct().backward(radial, y, g, out, new UnitShape(m, n / k, k));
                    if (transA) {
                        dataGradients++;
                    } else {
                        rPasses++;
                    }
                    return true;
                }

                @Override
                public boolean gemmNormActBackwardR(boolean transA, int m, int n, int kk, DeviceBuffer a,
                                                    DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                                    DeviceBuffer ry, DeviceBuffer g, Radial radial, int k) {
                    base.gemm(transA, false, m, n, kk, a, b, beta, c);
                    backwardAndRopInPlace(radial, y, ry, g, c, new UnitShape(m, n / k, k));
                    return true;
                }

                @Override
                public boolean complexForwardNormAct(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z,
                                                     DeviceBuffer y, DeviceBuffer out, Radial radial) {
                    base.complexForward(m, n, batch, w, z, 0.0, y);
                    cpu.normAct().forward(radial, y, out, new UnitShape(m, batch, 2));
                    forwards++;
                    return true;
                }

                @Override
                public boolean complexNormActJacobian(boolean conjTrans, int m, int n, int batch, DeviceBuffer w,
                                                      DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                                      DeviceBuffer out, Radial radial) {
                    int channels = conjTrans ? n : m;
                    DeviceBuffer g = c != null ? c : cpu.allocate(out.dtype(), 2 * channels * batch);
                    if (conjTrans) {
                        base.complexBackwardData(m, n, batch, w, b, beta, g);
                        dataGradients++;
                    } else {
                        base.complexForward(m, n, batch, w, b, beta, g);
                        rPasses++;
                    }
                    cpu.normAct().backward(radial, y, g, out, new UnitShape(channels, batch, 2));
                    return true;
                }

                @Override
                public boolean complexNormActBackwardR(int m, int n, int batch, DeviceBuffer w, DeviceBuffer b,
                                                       double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry,
                                                       DeviceBuffer g, Radial radial) {
                    base.complexBackwardData(m, n, batch, w, b, beta, c);
                    backwardAndRopInPlace(radial, y, ry, g, c, new UnitShape(n, batch, 2));
                    return true;
                }

                @Override
                public void gemm(boolean transA, boolean transB, int m, int n, int kk, DeviceBuffer a,
                                 DeviceBuffer b, double beta, DeviceBuffer c) {
                    base.gemm(transA, transB, m, n, kk, a, b, beta, c);
                }

                @Override
                public void complexForward(int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta,
                                           DeviceBuffer y) {
                    base.complexForward(m, n, batch, w, z, beta, y);
                }

                @Override
                public void complexBackwardData(int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy,
                                                double beta, DeviceBuffer gz) {
                    base.complexBackwardData(m, n, batch, w, gy, beta, gz);
                }

                @Override
                public void complexBackwardWeight(int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z,
                                                  double beta, DeviceBuffer gw) {
                    base.complexBackwardWeight(m, n, batch, gy, z, beta, gw);
                }
            };
        }

        /** The twin's backwardAndRop, which does not work in place: through copies, then back over g and c. */
        private void backwardAndRopInPlace(Radial radial, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer g,
                                           DeviceBuffer c, UnitShape s) {
            DeviceBuffer gy = cpu.allocate(g.dtype(), g.length()), rgy = cpu.allocate(g.dtype(), g.length());
            cpu.normAct().backwardAndRop(radial, y, ry, g, c, gy, rgy, s);
            cpu.write(g, FusedEpilogueSeamTest.read(cpu, gy));
            cpu.write(c, FusedEpilogueSeamTest.read(cpu, rgy));
            hvpBackwards++;
        }

        @Override
        public String name() {
            return "cpu+fusing-test";
        }

        @Override
        public String describe() {
            return cpu.describe();
        }

        @Override
        public boolean hostMemory() {
            return true;
        }

        @Override
        public DeviceBuffer allocate(DType dtype, int elements) {
            return cpu.allocate(dtype, elements);
        }

        @Override
        public void write(DeviceBuffer dst, double[] src) {
            cpu.write(dst, src);
        }

        @Override
        public void write(DeviceBuffer dst, float[] src, int srcOffset) {
            cpu.write(dst, src, srcOffset);
        }

        @Override
        public void read(DeviceBuffer src, double[] dst) {
            cpu.read(src, dst);
        }

        @Override
        public void synchronize() {
            cpu.synchronize();
        }

        @Override
        public EquivLinearOps equivLinear() {
            return ops;
        }

        @Override
        public NormActOps normAct() {
            return cpu.normAct();
        }

        @Override
        public PointwiseOps pointwise() {
            return cpu.pointwise();
        }

        @Override
        public LossOps loss() {
            return cpu.loss();
        }

        @Override
        public OptimOps optim() {
            return cpu.optim();
        }

        @Override
        public ReduceOps reduce() {
            return cpu.reduce();
        }

        @Override
        public LanczosOps lanczos() {
            return cpu.lanczos();
        }

        @Override
        public void close() {
            cpu.close();
        }
    }
}
