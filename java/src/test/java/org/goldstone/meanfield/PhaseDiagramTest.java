package org.goldstone.meanfield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.goldstone.group.Group;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.junit.jupiter.api.Test;

/** The phase-diagram sweep behind {@code goldstone phase}: shapes, physics and input validation. */
class PhaseDiagramTest {
    private static PhaseDiagram.Config config(double from, double to, int points) {
        return new PhaseDiagram.Config(Radial.of(RadialProfile.ALG), Group.u1(), from, to, points, 128, 40, 2, 4, 1.0,
                3, FiniteWidth.Sampling.GRAM);
    }

    @Test
    void sweepFollowsMeanField() {
        PhaseDiagram.Result r = PhaseDiagram.run(config(0.7, 2.0, 6));
        assertEquals(6, r.rows().size(), "rows");
        assertEquals(1.0, r.criticalSigmaW(), 1e-15, "ALG sigma_c");
        assertEquals(3, r.profiles().size(), "depth profiles below, at, above");
        for (PhaseDiagram.Row row : r.rows()) {
            double qStar = row.meanField().q();
            if (row.sigmaW() < 0.95) {
                assertTrue(row.qSimulated() < 1e-3, "symmetric phase sigma_w " + row.sigmaW() + ": q^L "
                        + row.qSimulated());
            } else if (row.sigmaW() > 1.2) {
                assertEquals(qStar, row.qSimulated(), 0.1 * qStar, "broken phase sigma_w " + row.sigmaW());
            }
        }
        assertEquals(1.0, r.measured().sigmaW(), 0.05, "measured sigma_c at width 128, depth 40");
    }

    @Test
    void badInputIsOneLineExpectedFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(2.0, 1.0, 5));
        assertTrue(e.getMessage().contains("expected from < to, found from = 2.0, to = 1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(0.5, 1.0, 1));
        assertTrue(e.getMessage().contains("expected points >= 2, found 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Group.parse("O(0)"));
        assertTrue(e.getMessage().contains("expected k >= 1, found 0"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
