package org.goldstone.conservation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.optim.OptimizerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SCIENCE g.14 (e.3, e.6): a real ReLU MLP 3 -> 4 -> 4 -> 2 with biases and a U(1) net with the PHASE nonlinearity,
 * softmax cross-entropy, N = 400 Gaussian inputs with random labels, batch 32, eta = 0.05, lambda = 1e-3, 500 steps.
 *
 * <p>Metric, per set, as max over steps 0..500: translation |s_n - pred_n| / max_n |theta_A,n|_1 (the charge of the
 * zero-initialized logit biases is 0, so |s| itself is no scale); scale | |theta_A|^2_n - pred_n | / max_n
 * |theta_A|^2_n; rescale |Q_n - pred_n| / max_n |Q_n|. Exact laws: <= 1e-12; Neural-Mechanics continuous prediction
 * with code-style buffers: <= 1e-4.
 */
class NeuralMechanicsLawsTest {
    static final double ETA = 0.05, LAMBDA = 1e-3;
    static final int STEPS = 500, N = 400, BATCH = 32;
    static final double EXACT_TOL = 1e-12, CONTINUOUS_TOL = 1e-4;

    static NetSpec spec(String model) {
        if (model.equals("relu")) {
            return NetSpec.builder().inputs(3).dense(4, Activation.RELU).hidden(1).sigmaB(0.3).readout(2).build();
        }
        return NetSpec.builder().inputs(3).embed(Group.u1(), 3).equivariant(1, RadialProfile.PHASE).readout(2).build();
    }

    /** The test metric's denominator (see the class comment). */
    static double scale(Deviation dv) {
        return dv.set().kind() == SymmetrySet.Kind.RESCALE ? dv.maxAbsCharge() : dv.maxMagnitude();
    }

    static String line(String label, Deviation dv, double error, double tol) {
        return String.format(Locale.ROOT, "%s %s %s: max |deviation| %.3e / scale %.3e = %.3e, tolerance %.0e",
                label, dv.set().kind(), dv.set().name(), error, scale(dv), error / scale(dv), tol);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "phase"})
    void sgdFollowsTheExactLawsAndTheContinuousPrediction(String model) {
        FeedForwardNet net = FeedForwardNet.of(spec(model));
        ConservationMonitor m = Runs.train(net, OptimizerSpec.sgd(ETA), LAMBDA, STEPS, N, BATCH,
                new SplittableRandom(14));
        List<Deviation> all = m.deviations();
        // ReLU: 2 x 4 hidden units + (4 + 1) readout columns; PHASE U(1): 2 levels x 3 units + (6 + 1)
        assertEquals(13, all.size(), () -> model + ": expected 13 symmetry sets, found" + Runs.describeAll(all));
        assertEquals(STEPS, m.steps());
        for (Deviation dv : all) {
            double e = dv.maxExactError(), c = dv.maxContinuousError(), s = scale(dv);
            assertTrue(e <= EXACT_TOL * s, () -> line(model + " exact law", dv, e, EXACT_TOL));
            assertTrue(c <= CONTINUOUS_TOL * s, () -> line(model + " continuous (NM)", dv, c, CONTINUOUS_TOL));
        }
        // the laws are not vacuous: the charges moved far more than the tolerance
        double moved = 0;
        for (int i = 0; i < m.sets().size(); i++) {
            double[] q = m.charges(i);
            moved = Math.max(moved, Math.abs(q[STEPS] - q[0]) / scale(all.get(i)));
        }
        double mv = moved;
        assertTrue(mv > 1e-2, () -> model + ": largest relative change of a charge " + mv + ", expected > 1e-2");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu", "phase"})
    void heavyBallMomentumFollowsTheExactRecurrences(String model) {
        FeedForwardNet net = FeedForwardNet.of(spec(model));
        ConservationMonitor m = Runs.train(net, OptimizerSpec.momentum(ETA, 0.9, false), LAMBDA, STEPS, N, BATCH,
                new SplittableRandom(15));
        for (Deviation dv : m.deviations()) {
            double e = dv.maxExactError();
            assertTrue(e <= EXACT_TOL * scale(dv), () -> line(model + " momentum exact law", dv, e, EXACT_TOL));
            assertTrue(Double.isFinite(dv.maxContinuousError()), () -> Runs.describe(dv));
        }
    }

    /**
     * The damped-oscillator prediction of a momentum translation sum is first order in eta at a fixed time
     * t = 25 (its charge is data-independent, so the ratio is deterministic: 1.98 and 1.99).
     */
    @Test
    void momentumTranslationContinuousErrorHalvesWithEta() {
        FeedForwardNet net = FeedForwardNet.of(spec("relu"));
        double[] etas = {0.05, 0.025, 0.0125};
        double[] errors = new double[etas.length];
        for (int k = 0; k < etas.length; k++) {
            ConservationMonitor m = Runs.train(net, OptimizerSpec.momentum(etas[k], 0.9, false), LAMBDA,
                    (int) Math.round(25 / etas[k]), N, BATCH, new SplittableRandom(16));
            for (Deviation dv : m.deviations()) {
                if (dv.set().kind() == SymmetrySet.Kind.TRANSLATION) {
                    errors[k] = Math.max(errors[k], dv.maxContinuousError() / dv.maxMagnitude());
                }
            }
        }
        for (int k = 1; k < etas.length; k++) {
            double ratio = errors[k - 1] / errors[k];
            int kk = k;
            assertTrue(ratio > 1.8 && ratio < 2.2, () -> String.format(Locale.ROOT, "translation NM error %.3e at eta"
                    + " %s, %.3e at eta %s: ratio %.3f, expected 2 +- 0.2", errors[kk - 1], etas[kk - 1], errors[kk],
                    etas[kk], ratio));
        }
    }
}
