package org.goldstone.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.goldstone.layer.RadialProfile;
import org.goldstone.symmetry.GoldstoneReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SCIENCE g.7-g.9 and h.1-h.2: at a polished minimum (|grad F| < 1e-12) of tiny nets with weight decay 1e-3, the
 * Hessian has exactly the predicted zero modes (U(1): (L+1) x width per-unit phases; O(k): k(k-1)/2; tanh: 0), and
 * with cross-entropy exactly (readout inputs + 1) eigenvalues equal to lambda; the null space is the tangent span.
 */
class TinyNetLabTest {
    static Stream<TinyNetLab.Case> cases() {
        return TinyNetLab.standardCases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void countsAreExactlyThePrediction(TinyNetLab.Case c) {
        TinyNetLab.Outcome o = TinyNetLab.run(c);
        GoldstoneReport r = o.report();
        int[] predicted = c.predicted();
        String where = c.group() + " " + c.loss() + ": " + r.toText();
        assertTrue(r.gradientNorm() < 1e-12, () -> "not a polished minimum, |grad F| = " + r.gradientNorm()
                + " > 1e-12; "
                + where);
        assertEquals(predicted[0], r.predictedZero(), "tangent rank (the predicted zero count), " + where);
        assertEquals(predicted[1], r.predictedAtLambda(), "translation rank, " + where);
        if (r.deadUnits().isEmpty()) {
            assertEquals(predicted[0], r.measuredZero(), "measured zero modes, " + where);
            assertEquals(predicted[1], r.measuredAtLambda(), "measured eigenvalues at lambda, " + where);
        } else {
            // h.2: extra flat directions of a dead unit are reported, never fewer modes than predicted
            assertEquals(0, r.missing(), "missing modes with dead units " + r.deadUnits() + ", " + where);
        }
        if (predicted[0] > 0) {
            assertTrue(r.largestZero() < 1e-12, () -> "largest zero mode " + r.largestZero()
                    + " lambda_max, expected < 1e-12; " + where);
            assertTrue(1 - r.minPrincipalCosine() < 1e-8, () -> "principal cosine " + r.minPrincipalCosine()
                    + ", expected > 1 - 1e-8; " + where);
        }
        assertTrue(r.nextAboveZero() * r.lambdaMax() > 1e-4, () -> "gap: next eigenvalue "
                + r.nextAboveZero() * r.lambdaMax() + ", expected > 1e-4; " + where);
        for (GoldstoneReport.Family f : r.families()) {
            assertTrue(f.maxResidual() < 1e-12, () -> f.name() + ": identity residual " + f.maxResidual()
                    + " (tolerance 1e-12); " + where);
        }
    }

    @Test
    void aDeadUnitIsNamedWhenItBreaksTheCount() {
        // this seed of the tanh baseline with cross-entropy converges to a minimum with one dead hidden unit
        TinyNetLab.Outcome o = TinyNetLab.run(new TinyNetLab.Case("tanh", 3, 3, 1, 2, 300, "ce", RadialProfile.ALG,
                1e-3, 7));
        GoldstoneReport r = o.report();
        assertEquals(List.of("dense.1 unit 1"), r.deadUnits(), r.toText());
        assertEquals(3, r.unexplained(), "three extra eigenvalues at lambda: " + r.toText());
        assertTrue(r.toText().contains("dead units"), r.toText());
    }
}
