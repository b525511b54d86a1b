package org.goldstone.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LossOps.Value}: deferred reads happen once, and {@link LossOps.Value#again} reads the same result anew. */
class LossValueTest {
    @Test
    void aDeferredValueIsReadOnceAndAgainReadsAnew() {
        AtomicInteger reads = new AtomicInteger();
        double[] device = {3.5};                                   // what a replayed graph would rewrite
        LossOps.Value v = LossOps.Value.deferred(() -> {
            reads.incrementAndGet();
            return new LossOps.Value(device[0], 7);
        });
        assertFalse(v.resolved());
        assertEquals(3.5, v.sum());
        assertEquals(7, v.correct());
        assertEquals(1, reads.get(), "a deferred value reads the device once");

        device[0] = 4.25;                                          // the replay wrote a new loss
        LossOps.Value next = v.again();
        assertFalse(next.resolved(), "again() defers its read too");
        assertEquals(4.25, next.sum());
        assertEquals(2, reads.get());
        assertEquals(3.5, v.sum(), "the first value keeps what it read");
    }

    @Test
    void aKnownValueIsItsOwnRepeat() {
        LossOps.Value v = new LossOps.Value(1.5, 2);
        assertTrue(v.resolved());
        assertSame(v, v.again());
    }
}
