package org.goldstone.conservation;

import java.util.SplittableRandom;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.optim.OptimizerSpec;

/** Test shorthand for {@link LawsRun}. */
final class Runs {
    private Runs() {
    }

    static ConservationMonitor train(FeedForwardNet net, OptimizerSpec opt, double lambda, int steps, int n,
                                     int batch, SplittableRandom rng) {
        return LawsRun.train(net, opt, lambda, steps, n, batch, rng);
    }

    static String describe(Deviation dv) {
        return LawsRun.describe(dv);
    }

    static String describeAll(Iterable<Deviation> all) {
        return LawsRun.describeAll(all);
    }
}
