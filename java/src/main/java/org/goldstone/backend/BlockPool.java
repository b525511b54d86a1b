package org.goldstone.backend;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Device allocator with per-size free lists, shared by the accelerator backends (H is the device's handle type: a
 * CUDA pointer, an OpenCL buffer). A block returns to its list when the buffer object that owns it becomes
 * unreachable (a {@link Cleaner} action queues it; the queue is drained on the next allocation, on the backend's
 * thread). Reuse needs no synchronization because each backend runs all work on one in-order stream or queue: work
 * queued on an old owner finishes before work queued on a new one. On out-of-memory the pool collects garbage once,
 * frees its idle blocks and retries once before it fails with the sizes.
 *
 * @param <H> the device's memory handle
 */
public final class BlockPool<H> {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Allocation granularity; blocks of one rounded size are interchangeable. */
    private static final long GRANULE = 512;

    /** What the pool needs from a device. */
    public interface Device<H> {
        /** A new block of {@code bytes}; throws the device's exception when it cannot. */
        H allocate(long bytes);

        void free(H handle);

        /** Whether {@code e}, thrown by {@link #allocate}, means the device is out of memory. */
        boolean isOutOfMemory(RuntimeException e);

        /** Waits for all queued work (before blocks are freed). */
        void synchronize();

        /** "cuda", "opencl": the start of every error message. */
        String name();
    }

    /** One allocated block (identity semantics). */
    public static final class Block<H> {
        private final H handle;
        private final long bytes;

        Block(H handle, long bytes) {
            this.handle = handle;
            this.bytes = bytes;
        }

        public H handle() {
            return handle;
        }

        public long bytes() {
            return bytes;
        }
    }

    /** The cleaning action; holds no reference to the buffer it cleans. */
    private static final class Release<H> implements Runnable {
        private final ConcurrentLinkedQueue<Block<H>> queue;
        private final Block<H> block;

        Release(ConcurrentLinkedQueue<Block<H>> queue, Block<H> block) {
            this.queue = queue;
            this.block = block;
        }

        @Override
        public void run() {
            queue.add(block);
        }
    }

    private final Device<H> device;
    private final Map<Long, ArrayDeque<Block<H>>> idle = new HashMap<>();
    private final ConcurrentLinkedQueue<Block<H>> released = new ConcurrentLinkedQueue<>();
    private final Set<Block<H>> all = new HashSet<>();
    private long liveBytes;
    private long idleBytes;
    private boolean closed;

    public BlockPool(Device<H> device) {
        this.device = device;
    }

    static long rounded(long bytes) {
        return Math.max(GRANULE, (bytes + GRANULE - 1) / GRANULE * GRANULE);
    }

    /** A block of at least {@code bytes}; its contents are undefined. */
    public Block<H> take(long bytes) {
        if (closed) {
            throw new BackendException(device.name() + " backend is closed");
        }
        drainReleased();
        long size = rounded(bytes);
        ArrayDeque<Block<H>> list = idle.get(size);
        if (list != null && !list.isEmpty()) {
            idleBytes -= size;
            liveBytes += size;
            return list.pop();
        }
        H h;
        try {
            h = device.allocate(size);
        } catch (RuntimeException e) {
            if (!device.isOutOfMemory(e)) {
                throw new BackendException(device.name() + ": allocation of " + size + " bytes failed: "
                        + e.getMessage(), e);
            }
            System.gc();
            device.synchronize();
            try {
                Thread.sleep(20);                          // let the cleaner thread queue what the collection found
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            drainReleased();
            long freed = flush();
            try {
                h = device.allocate(size);
            } catch (RuntimeException again) {
                throw new BackendException(String.format(Locale.ROOT,
                        "%s: out of device memory allocating %.1f MiB (in use by live buffers %.1f MiB; freed %.1f"
                                + " MiB of idle pool blocks and retried once)",
                        device.name(), size / 1048576.0, liveBytes / 1048576.0, freed / 1048576.0), again);
            }
        }
        Block<H> block = new Block<>(h, size);
        all.add(block);
        liveBytes += size;
        return block;
    }

    /** Hands {@code block} back to the pool once {@code owner} (the buffer object that holds it) is unreachable. */
    public void track(Object owner, Block<H> block) {
        CLEANER.register(owner, new Release<>(released, block));
    }

    private void drainReleased() {
        Block<H> b;
        while ((b = released.poll()) != null) {
            if (!all.contains(b)) {
                continue;                                  // freed by a flush or close meanwhile
            }
            idle.computeIfAbsent(b.bytes, s -> new ArrayDeque<>()).push(b);
            liveBytes -= b.bytes;
            idleBytes += b.bytes;
        }
    }

    /** Frees every idle block; returns the bytes freed. */
    public long flush() {
        device.synchronize();
        long freed = 0;
        for (ArrayDeque<Block<H>> list : idle.values()) {
            for (Block<H> b : list) {
                device.free(b.handle);
                freed += b.bytes;
                all.remove(b);
            }
        }
        idle.clear();
        idleBytes = 0;
        return freed;
    }

    public long liveBytes() {
        return liveBytes;
    }

    public long idleBytes() {
        return idleBytes;
    }

    /** Frees every block, idle or live; buffers still referenced become invalid. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Block<H> b : all) {
            device.free(b.handle);
        }
        all.clear();
        idle.clear();
        liveBytes = 0;
        idleBytes = 0;
    }
}
