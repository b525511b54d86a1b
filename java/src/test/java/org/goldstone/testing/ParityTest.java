package org.goldstone.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The parity assertion itself: exact tolerances, NaN and infinities, and the worst element in the message. */
class ParityTest {
    private static final Parity.Tolerance EXACT = new Parity.Tolerance(0, 0);

    @Test
    void zeroToleranceAcceptsIdenticalValuesAndRejectsOneUlp() {
        double[] x = {1.2925126552581787, -0.0, Double.NaN, Double.POSITIVE_INFINITY};
        Parity.assertClose("identical", x, x.clone(), EXACT);
        double[] y = x.clone();
        y[0] = Math.nextUp(y[0]);
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Parity.assertClose("ulp", x, y, EXACT));
        assertTrue(e.getMessage().startsWith("ulp: element 0 of 4"), e.getMessage());
    }

    @Test
    void nanAgainstANumberFailsAndTheWorstElementIsReported() {
        double[] ref = {1, 2, 3};
        Parity.assertClose("within", ref, new double[] {1 + 1e-13, 2, 3}, Parity.Tolerance.F64);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Parity.assertClose("nan", ref, new double[] {1.1, Double.NaN, 3}, Parity.Tolerance.F64));
        assertTrue(e.getMessage().startsWith("nan: element 1 of 3"), e.getMessage());
    }
}
