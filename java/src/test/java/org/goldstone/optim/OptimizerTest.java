package org.goldstone.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Test;

/** Optimizer steps against values computed by hand (two steps each, theta0 = (1, -2), g = (0.5, 4) then (-1, 2)). */
class OptimizerTest {
    private static double[][] run(OptimizerSpec spec, Schedule schedule, double clip) {
        try (Backend be = new CpuBackend(1)) {
            DeviceBuffer theta = be.allocate(DType.F64, 2), g = be.allocate(DType.F64, 2);
            be.write(theta, new double[] {1, -2});
            Optimizer opt = new Optimizer(spec, schedule, clip, be, DType.F64, 2);
            double[][] out = new double[2][2];
            double[][] grads = {{0.5, 4}, {-1, 2}};
            for (int t = 0; t < 2; t++) {
                be.write(g, grads[t]);
                opt.update(theta, g, grads[t][0] * grads[t][0] + grads[t][1] * grads[t][1]);
                be.read(theta, out[t]);
            }
            return out;
        }
    }

    @Test
    void sgd() {
        double[][] r = run(OptimizerSpec.sgd(0.1), Schedule.constant(), 0);
        assertArrayEquals(new double[] {0.95, -2.4}, r[0], 1e-15);
        assertArrayEquals(new double[] {1.05, -2.6}, r[1], 1e-15);
    }

    @Test
    void heavyBallMomentum() {
        // v1 = g1 = (0.5, 4); theta1 = (0.95, -2.4); v2 = 0.9 v1 + g2 = (-0.55, 5.6); theta2 = (1.005, -2.96)
        double[][] r = run(OptimizerSpec.momentum(0.1, 0.9, false), Schedule.constant(), 0);
        assertArrayEquals(new double[] {0.95, -2.4}, r[0], 1e-15);
        assertArrayEquals(new double[] {1.005, -2.96}, r[1], 1e-14);
    }

    @Test
    void nesterovMomentum() {
        // step 1: v = (0.5, 4), update g + mu v = (0.95, 7.6) -> (0.905, -2.76)
        // step 2: v = (-0.55, 5.6), update g + mu v = (-1.495, 7.04) -> (1.0545, -3.464)
        double[][] r = run(OptimizerSpec.momentum(0.1, 0.9, true), Schedule.constant(), 0);
        assertArrayEquals(new double[] {0.905, -2.76}, r[0], 1e-15);
        assertArrayEquals(new double[] {1.0545, -3.464}, r[1], 1e-14);
    }

    @Test
    void adam() {
        // step 1: m_hat = g, v_hat = g^2 -> theta -= lr * sign(g) (up to eps): (0.999, -2.001)
        // step 2: m = 0.9*0.1*g1 + 0.1*g2 = (0.045 - 0.1, 0.36 + 0.2) = (-0.055, 0.56); m_hat = m / 0.19
        //         v = 0.999*0.001*g1^2 + 0.001*g2^2 = (0.00024975 + 0.001, 0.015984 + 0.004); v_hat = v / 0.001999
        double lr = 1e-3, eps = 1e-8;
        double[][] r = run(OptimizerSpec.adam(lr), Schedule.constant(), 0);
        assertEquals(1 - lr * 0.5 / (0.5 + eps), r[0][0], 1e-15);
        assertEquals(-2 - lr * 4 / (4 + eps), r[0][1], 1e-15);
        double m0 = -0.055 / 0.19, v0 = 0.00124975 / 0.001999;
        double m1 = 0.56 / 0.19, v1 = 0.019984 / 0.001999;
        assertEquals(r[0][0] - lr * m0 / (Math.sqrt(v0) + eps), r[1][0], 1e-14);
        assertEquals(r[0][1] - lr * m1 / (Math.sqrt(v1) + eps), r[1][1], 1e-14);
    }

    @Test
    void adamWDecaysDecoupled() {
        double lr = 1e-2, decay = 0.1, eps = 1e-8;
        double[][] r = run(OptimizerSpec.adamW(lr, decay), Schedule.constant(), 0);
        assertEquals(1 * (1 - lr * decay) - lr * 0.5 / (0.5 + eps), r[0][0], 1e-15);
        assertEquals(-2 * (1 - lr * decay) - lr * 4 / (4 + eps), r[0][1], 1e-15);
    }

    @Test
    void clippingByGlobalNorm() {
        // |g1| = sqrt(16.25) > 1: g1 -> g1 / |g1|; |g2| = sqrt(5) > 1
        double[][] r = run(OptimizerSpec.sgd(0.1), Schedule.constant(), 1.0);
        double n1 = Math.sqrt(16.25), n2 = Math.sqrt(5);
        assertEquals(1 - 0.1 * 0.5 / n1, r[0][0], 1e-15);
        assertEquals(-2 - 0.1 * 4 / n1, r[0][1], 1e-15);
        assertEquals(r[0][0] + 0.1 / n2, r[1][0], 1e-15);
        assertEquals(r[0][1] - 0.1 * 2 / n2, r[1][1], 1e-15);
    }

    @Test
    void schedules() {
        Schedule warm = new Schedule(Schedule.Kind.CONSTANT, 4, 1, 1, 0, 0);
        assertEquals(0.25, warm.factor(0), 0);
        assertEquals(1.0, warm.factor(3), 0);
        assertEquals(1.0, warm.factor(100), 0);
        Schedule step = new Schedule(Schedule.Kind.STEP, 0, 10, 0.5, 0, 0);
        assertEquals(1.0, step.factor(9), 0);
        assertEquals(0.5, step.factor(10), 0);
        assertEquals(0.25, step.factor(25), 0);
        Schedule cos = new Schedule(Schedule.Kind.COSINE, 2, 1, 1, 12, 0.1);
        assertEquals(0.5, cos.factor(0), 0);
        assertEquals(1.0, cos.factor(2), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5, cos.factor(7), 1e-15);          // halfway through the decay
        assertEquals(0.1, cos.factor(12), 1e-15);
        double[][] r = run(OptimizerSpec.sgd(0.1), new Schedule(Schedule.Kind.CONSTANT, 2, 1, 1, 0, 0), 0);
        assertArrayEquals(new double[] {0.975, -2.2}, r[0], 1e-15);  // lr 0.05 in the first warm-up step
    }

    @Test
    void badHyperParametersAreRefusedWithBothValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.sgd(-1));
        assertEquals("optimizer: expected learning rate > 0, found -1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.momentum(0.1, 1.0, false));
        assertThrows(IllegalArgumentException.class, () -> new Schedule(Schedule.Kind.COSINE, 10, 1, 1, 5, 0));
    }
}
