package org.goldstone.backend;

/**
 * A piece of device work recorded once and run many times ({@link Backend#record}): on CUDA, with
 * {@code -Dgoldstone.cuda.graphs=true}, a captured CUDA graph launched as one unit (one host call instead of one per
 * kernel); elsewhere, and whenever capture is not possible, the work itself run again. Running it has the effects of
 * running the recorded body; the body must not read anything back from the device.
 */
public interface Replay extends AutoCloseable {
    /** Queues the recorded work once. */
    void run();

    /** How it runs: "eager", "cuda graph (N nodes)", or "eager (capture failed: reason)". */
    String how();

    /** Releases a captured graph and the buffers it holds. */
    @Override
    void close();

    /** The body itself, run on every {@link #run()}. */
    static Replay eager(Runnable body, String how) {
        return new Replay() {
            @Override
            public void run() {
                body.run();
            }

            @Override
            public String how() {
                return how;
            }

            @Override
            public void close() {
            }
        };
    }
}
