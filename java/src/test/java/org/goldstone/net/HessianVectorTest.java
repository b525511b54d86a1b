package org.goldstone.net;

import static org.goldstone.tensor.HostVectors.dot;
import static org.goldstone.tensor.HostVectors.norm;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SCIENCE g.4: the R-operator Hessian-vector product against finite differences of gradients (eps 1e-5, rel. err
 * < 1e-6), its symmetry u.Hv = v.Hu (1e-10 relative), and the dense Hessian built from P products against the
 * finite-difference Hessian (1e-6); the Gauss-Newton product is symmetric and positive semi-definite.
 */
class HessianVectorTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String g : new String[] {"U(1)", "O(1)", "O(2)", "O(3)", "O(4)"}) {
            for (RadialProfile p : RadialProfile.values()) {
                for (String loss : new String[] {"ce", "mse"}) {
                    out.add(Arguments.of(NetSpec.builder().inputs(4).embed(Group.parse(g), 3).equivariant(2, p)
                            .sigmaW(1.3).readout(3).build(), loss));
                }
            }
        }
        for (String recipe : new String[] {"paper", "paper-generic"}) {
            out.add(Arguments.of(NetSpec.builder().inputs(4).embed(Group.parse("U(1)"), 3)
                    .equivariant(2, RadialProfile.RTANH).sigmaW(1.5).recipe(recipe).readout(3).build(), "ce"));
        }
        for (Activation a : new Activation[] {Activation.TANH, Activation.RELU}) {
            for (boolean res : new boolean[] {false, true}) {
                for (boolean ln : new boolean[] {false, true}) {
                    out.add(Arguments.of(NetSpec.builder().inputs(4).dense(4, a).hidden(2).residual(res).layerNorm(ln)
                            .sigmaB(0.3).readout(3).build(), "ce"));
                }
            }
        }
        return out.stream();
    }

    private static Host.Problem problem(NetSpec spec, String loss, SplittableRandom rng) {
        int batch = 6;
        double[] x = Host.gaussian(spec.inputs() * batch, rng);
        double[] y = new double[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = rng.nextInt(spec.classes());
        }
        return new Host.Problem(FeedForwardNet.of(spec), x, y, Loss.parse(loss));
    }



    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void hvpMatchesFiniteDifferencesAndIsSymmetric(NetSpec spec, String lossName) {
        SplittableRandom rng = new SplittableRandom(21);
        try (Host.Problem pr = problem(spec, lossName, rng)) {
            double[] theta = pr.net.initialParameters(rng);
            double[] v = Host.gaussian(theta.length, rng), u = Host.gaussian(theta.length, rng);
            double[] hv = pr.hessianVector(theta, v), hu = pr.hessianVector(theta, u);
            double eps = 1e-5;
            double[] plus = theta.clone(), minus = theta.clone();
            for (int i = 0; i < theta.length; i++) {
                plus[i] += eps * v[i];
                minus[i] -= eps * v[i];
            }
            double[] gp = pr.gradient(plus), gm = pr.gradient(minus);
            double[] fd = new double[theta.length];
            for (int i = 0; i < fd.length; i++) {
                fd[i] = (gp[i] - gm[i]) / (2 * eps);
            }
            double[] diff = new double[fd.length];
            for (int i = 0; i < fd.length; i++) {
                diff[i] = fd[i] - hv[i];
            }
            double rel = norm(diff) / Math.max(1e-12, norm(hv));
            assertTrue(rel < 1e-6, () -> spec.describe() + " " + lossName + ": |Hv - FD| / |Hv| = " + rel
                    + " (tolerance 1e-6), |Hv| = " + norm(hv));
            double uhv = dot(u, hv), vhu = dot(v, hu);
            double sym = Math.abs(uhv - vhu) / Math.max(1e-300, Math.abs(uhv) + Math.abs(vhu));
            assertTrue(sym < 1e-10, () -> spec.describe() + " " + lossName + ": u.Hv = " + uhv + ", v.Hu = " + vhu
                    + ", relative " + sym + " (tolerance 1e-10)");
            double[] gv = pr.gaussNewtonVector(theta, v), gu = pr.gaussNewtonVector(theta, u);
            double ugv = dot(u, gv), vgu = dot(v, gu);
            assertTrue(Math.abs(ugv - vgu) <= 1e-10 * (Math.abs(ugv) + Math.abs(vgu) + 1e-300),
                    () -> "GGN not symmetric: " + ugv + " vs " + vgu);
            assertTrue(dot(v, gv) >= -1e-14 * dot(v, v), () -> "GGN not PSD: v.Gv = " + dot(v, gv));
        }
    }

    /** The fp32 product (SIMD kernels on the channels that fill a vector, plain loops on the rest) tracks fp64. */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource({"U(1),ALG", "U(1),RTANH", "O(4),ALG", "O(3),RTANH", "O(2),GATE"})
    void fp32ProductTracksFp64(String group, String profile) {
        SplittableRandom rng = new SplittableRandom(8);
        NetSpec spec = NetSpec.builder().inputs(6).embed(Group.parse(group), 19).equivariant(3,
                RadialProfile.valueOf(profile)).sigmaW(1.2).readout(3).build();
        FeedForwardNet net = FeedForwardNet.of(spec);
        int batch = 5;
        double[] x = Host.toDoubleOfFloat(Host.gaussian(spec.inputs() * batch, rng));
        double[] y = new double[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = rng.nextInt(spec.classes());
        }
        double[] theta = Host.toDoubleOfFloat(net.initialParameters(rng));
        double[] v = Host.toDoubleOfFloat(Host.gaussian(theta.length, rng));
        double[][] hv = new double[2][];
        int idx = 0;
        for (org.goldstone.tensor.DType dt : new org.goldstone.tensor.DType[] {org.goldstone.tensor.DType.F64,
                org.goldstone.tensor.DType.F32}) {
            try (org.goldstone.backend.Backend be = new org.goldstone.backend.cpu.CpuBackend(2)) {
                FeedForwardNet.Workspace ws = net.workspace(be, dt, batch);
                ws.load(Host.toFloat(x), y, batch);
                org.goldstone.backend.DeviceBuffer p = be.allocate(dt, theta.length), vb = be.allocate(dt, v.length);
                org.goldstone.backend.DeviceBuffer g = be.allocate(dt, v.length), out = be.allocate(dt, v.length);
                be.write(p, theta);
                be.write(vb, v);
                net.hessianVector(ws, p, vb, g, out, Loss.parse("ce"), batch);
                hv[idx] = new double[v.length];
                be.read(out, hv[idx++]);
            }
        }
        double[] diff = new double[v.length];
        for (int i = 0; i < diff.length; i++) {
            diff[i] = hv[1][i] - hv[0][i];
        }
        double rel = norm(diff) / norm(hv[0]);
        assertTrue(rel < 1e-4, () -> group + " " + profile + ": |Hv fp32 - Hv fp64| / |Hv fp64| = " + rel
                + " (tolerance 1e-4)");
    }

    @Test
    void denseHessianFromProductsMatchesFiniteDifferenceHessian() {
        SplittableRandom rng = new SplittableRandom(4);
        NetSpec spec = NetSpec.builder().inputs(3).embed(Group.u1(), 2).equivariant(2, RadialProfile.ALG).readout(2)
                .build();
        try (Host.Problem pr = problem(spec, "ce", rng)) {
            double[] theta = pr.net.initialParameters(rng);
            int p = theta.length;
            double eps = 1e-5, worst = 0, scale = 0;
            for (int j = 0; j < p; j++) {
                double[] e = new double[p];
                e[j] = 1;
                double[] col = pr.hessianVector(theta, e);
                double[] plus = theta.clone(), minus = theta.clone();
                plus[j] += eps;
                minus[j] -= eps;
                double[] gp = pr.gradient(plus), gm = pr.gradient(minus);
                for (int i = 0; i < p; i++) {
                    worst = Math.max(worst, Math.abs((gp[i] - gm[i]) / (2 * eps) - col[i]));
                    scale = Math.max(scale, Math.abs(col[i]));
                }
            }
            double w = worst / scale;
            assertTrue(w < 1e-6, () -> "P = " + p + ": max |H_FD - H_Rop| / max|H| = " + w + " (tolerance 1e-6)");
        }
    }
}
