package org.goldstone.minimize;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded, evenly thinned iteration log: every {@code stride}-th iteration is kept, and when the list fills up
 * every other entry is dropped and the stride doubles. The last entry is always the latest iteration.
 */
final class History {
    private static final int CAPACITY = 256;

    private final List<Result.Step> kept = new ArrayList<>();
    private Result.Step latest;
    private int stride = 1;

    void record(int iteration, double value, double gradNormInf) {
        latest = new Result.Step(iteration, value, gradNormInf);
        if (iteration % stride != 0) {
            return;
        }
        kept.add(latest);
        if (kept.size() == CAPACITY) {
            List<Result.Step> thinned = new ArrayList<>();
            stride *= 2;
            for (Result.Step s : kept) {
                if (s.iteration() % stride == 0) {
                    thinned.add(s);
                }
            }
            kept.clear();
            kept.addAll(thinned);
        }
    }

    List<Result.Step> steps() {
        List<Result.Step> out = new ArrayList<>(kept);
        if (latest != null && (out.isEmpty() || out.get(out.size() - 1) != latest)) {
            out.add(latest);
        }
        return out;
    }
}
