package org.goldstone.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/** Splits an index range [0, n) into contiguous chunks run on a private fork-join pool (one per backend). */
final class Parallel implements AutoCloseable {
    /** Body of a parallel loop over [from, to). */
    interface Range {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    Parallel(int threads) {
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("goldstone-cpu-" + t.getPoolIndex());
            return t;
        }, null, false) : null;
    }

    int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in at most {@code threads} chunks whose boundaries are multiples of {@code grain}
     * (except the end); runs inline when the work is below {@code minWork} items.
     */
    void forRange(int n, int grain, int minWork, Range body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (pool == null || chunks < 2 || n < minWork || java.util.concurrent.ForkJoinTask.getPool() == pool) {
            body.run(0, n);
            return;
        }
        int per = ((n + chunks - 1) / chunks + grain - 1) / grain * grain;
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        int count = 0;
        for (int from = 0; from < n; from += per) {
            final int f = from, t = Math.min(n, from + per);
            tasks[count++] = new RecursiveAction() {
                @Override
                protected void compute() {
                    body.run(f, t);
                }
            };
        }
        RecursiveAction[] used = java.util.Arrays.copyOf(tasks, count);
        pool.invoke(new RecursiveAction() {
            @Override
            protected void compute() {
                invokeAll(used);
            }
        });
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
