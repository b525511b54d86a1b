package org.goldstone.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits an index range [0, n) into contiguous chunks, one per thread: the caller runs the first chunk and
 * {@code threads - 1} resident workers run the others. Workers spin briefly for the next task before parking, so
 * the hand-off of the hundreds of small kernels in a training step costs about a microsecond instead of the tens
 * of microseconds of a fork-join wake-up. Chunk boundaries depend only on n, the grain and the thread count, so
 * results are deterministic.
 */
final class Parallel implements AutoCloseable {
    /** Body of a parallel loop over [from, to). */
    interface Range {
        void run(int from, int to);
    }

    /** How long an idle worker spins before parking. */
    private static final long SPIN_NANOS = 100_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();

    Parallel(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("goldstone-cpu-" + (i + 1));
            workers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) in at most {@code threads} chunks whose boundaries are multiples of {@code grain}
     * (except the end); runs inline when the work is below {@code minWork} items, when called from a worker, or
     * when another thread is already using this pool.
     */
    void forRange(int n, int grain, int minWork, Range body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, grain)));
        if (chunks < 2 || n < minWork || Thread.currentThread() instanceof Worker || !busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            int per = ((n + chunks - 1) / chunks + grain - 1) / grain * grain;
            int used = 0;
            for (int from = per; from < n && used < workers.length; from += per) {
                workers[used++].post(body, from, Math.min(n, from + per));
            }
            Throwable first = null;
            try {
                body.run(0, Math.min(n, per));
            } catch (RuntimeException | Error e) {
                first = e;
            }
            for (int i = 0; i < used; i++) {
                Throwable t = workers[i].await();
                if (first == null) {
                    first = t;
                }
            }
            if (first instanceof RuntimeException) {
                throw (RuntimeException) first;
            }
            if (first instanceof Error) {
                throw (Error) first;
            }
        } finally {
            busy.set(false);
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.shutdown();
        }
    }

    /** A resident thread with a one-task mailbox, published through the volatile sequence numbers. */
    private static final class Worker extends Thread {
        private Range body;
        private int from, to;
        private Throwable error;
        private volatile long posted, completed;
        private volatile boolean parked, closed;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void post(Range b, int f, int t) {
            body = b;
            from = f;
            to = t;
            error = null;
            posted = posted + 1;                          // volatile write publishes the fields above
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        Throwable await() {
            long target = posted;
            int spins = 0;
            while (completed != target) {
                if (++spins < 1 << 14) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return error;
        }

        void shutdown() {
            closed = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long seen = 0;
            while (!closed) {
                long p = posted;
                if (p != seen) {
                    try {
                        body.run(from, to);
                    } catch (Throwable t) {
                        error = t;
                    }
                    body = null;
                    seen = p;
                    completed = p;                        // volatile write publishes error
                    continue;
                }
                long start = System.nanoTime();
                while (posted == seen && !closed && System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                }
                if (posted == seen && !closed) {
                    parked = true;
                    if (posted == seen && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
