package org.goldstone.symmetry;

import static org.goldstone.tensor.HostVectors.dot;
import static org.goldstone.tensor.HostVectors.norm;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.group.Group;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.Optimizer;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.optim.Schedule;
import org.goldstone.tensor.DType;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SCIENCE g.13 (e.4): 300 minibatch steps (batch 20) with weight decay. SGD with momentum 0.9 keeps every update
 * orthogonal to every rotation/phase tangent (max |cos(Delta_n, t_a(theta_n))| < 1e-13); Adam's coordinate-wise
 * preconditioning does not (max > 1e-2).
 */
class UpdateOrthogonalityTest {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"U(1),momentum", "O(3),momentum", "U(1),adam", "O(3),adam"})
    void updatesAreOrthogonalToTheOrbitUnlessAdam(String group, String optimizer) {
        SplittableRandom rng = new SplittableRandom(3);
        NetSpec spec = NetSpec.builder().inputs(3).embed(Group.parse(group), 3).equivariant(1, RadialProfile.ALG)
                .readout(2).build();
        FeedForwardNet net = FeedForwardNet.of(spec);
        int n = 400, batch = 20, p = net.paramCount();
        double[] x = Host.gaussian(n * 3, rng);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(2);
        }
        double lambda = 1e-3;
        OptimizerSpec opt = optimizer.equals("adam") ? OptimizerSpec.adam(1e-2) : OptimizerSpec.momentum(0.05, 0.9,
                false);
        double worst = 0;
        try (Backend be = new CpuBackend(1)) {
            FeedForwardNet.Workspace ws = net.workspace(be, DType.F64, batch);
            DeviceBuffer params = be.allocate(DType.F64, p), grad = be.allocate(DType.F64, p);
            double[] theta = net.initialParameters(rng);
            be.write(params, theta);
            Optimizer o = new Optimizer(opt, Schedule.constant(), 0, be, DType.F64, p);
            Loss loss = Loss.parse("ce");
            for (int step = 0; step < 300; step++) {
                int from = (step * batch) % n;
                double[] xb = java.util.Arrays.copyOfRange(x, from * 3, (from + batch) * 3);
                double[] yb = java.util.Arrays.copyOfRange(y, from, from + batch);
                ws.load(Host.toFloat(xb), yb, batch);
                be.write(ws.activation(0, batch), xb);
                net.lossAndGradient(ws, params, grad, loss, batch);
                be.reduce().axpyInPlace(lambda, params, grad);               // objective gradient with weight decay
                double[] before = new double[p], after = new double[p];
                be.read(params, before);
                o.update(params, grad, be.reduce().sumSquares(grad));
                be.read(params, after);
                double[] delta = new double[p];
                for (int i = 0; i < p; i++) {
                    delta[i] = after[i] - before[i];
                }
                for (Tangent t : Tangents.of(net, before, new double[p], false)) {
                    double c = Math.abs(dot(delta, t.vector())) / (norm(delta) * norm(t.vector()));
                    worst = Math.max(worst, c);
                }
            }
        }
        double w = worst;
        if (optimizer.equals("adam")) {
            assertTrue(w > 1e-2, () -> group + " Adam: max |cos(Delta, t)| = " + w + ", expected > 1e-2");
        } else {
            assertTrue(w < 1e-13, () -> group + " momentum: max |cos(Delta, t)| = " + w + " (tolerance 1e-13)");
        }
    }


}
