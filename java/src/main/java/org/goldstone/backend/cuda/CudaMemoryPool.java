package org.goldstone.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import org.goldstone.backend.BackendException;

/**
 * Device allocator with per-size free lists. A block returns to its list when the root {@link CudaBuffer} that owns
 * it becomes unreachable (a {@link Cleaner} action queues it; the queue is drained on the next allocation, on the
 * backend's thread). Reuse is safe without synchronization because every kernel runs on the backend's one stream:
 * work queued on an old owner finishes before work queued on a new one. On out-of-memory the pool frees its idle
 * blocks, collects garbage once, and retries once before it fails with the sizes.
 */
final class CudaMemoryPool {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Allocation granularity; blocks of one rounded size are interchangeable. */
    private static final long GRANULE = 512;

    private final Map<Long, ArrayDeque<Block>> idle = new HashMap<>();
    private final ConcurrentLinkedQueue<Block> released = new ConcurrentLinkedQueue<>();
    private final Set<Block> all = new HashSet<>();
    private long liveBytes;
    private long idleBytes;
    private boolean closed;

    /** One cuMemAlloc'ed block (identity semantics). */
    record Block(CUdeviceptr ptr, long bytes) {
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** The cleaning action; holds no reference to the buffer it cleans. */
    private static final class Release implements Runnable {
        private final ConcurrentLinkedQueue<Block> queue;
        private final Block block;

        Release(ConcurrentLinkedQueue<Block> queue, Block block) {
            this.queue = queue;
            this.block = block;
        }

        @Override
        public void run() {
            queue.add(block);
        }
    }

    static long rounded(long bytes) {
        return Math.max(GRANULE, (bytes + GRANULE - 1) / GRANULE * GRANULE);
    }

    /** A block of at least {@code bytes}; its contents are undefined. */
    Block take(long bytes, Runnable synchronize) {
        if (closed) {
            throw new BackendException("cuda backend is closed");
        }
        drainReleased();
        long size = rounded(bytes);
        ArrayDeque<Block> list = idle.get(size);
        if (list != null && !list.isEmpty()) {
            idleBytes -= size;
            liveBytes += size;
            return list.pop();
        }
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, size);
        } catch (CudaException e) {
            if (!isOutOfMemory(e)) {
                throw new BackendException("cuda: cuMemAlloc of " + size + " bytes failed: " + e.getMessage(), e);
            }
            System.gc();
            synchronize.run();
            try {
                Thread.sleep(20);                          // let the cleaner thread queue what the collection found
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            drainReleased();
            long freed = flush(synchronize);
            try {
                cuMemAlloc(p, size);
            } catch (CudaException again) {
                throw new BackendException(String.format(java.util.Locale.ROOT,
                        "cuda: out of device memory allocating %.1f MiB (in use by live buffers %.1f MiB; freed %.1f"
                                + " MiB of idle pool blocks and retried once)",
                        size / 1048576.0, liveBytes / 1048576.0, freed / 1048576.0), again);
            }
        }
        Block block = new Block(p, size);
        all.add(block);
        liveBytes += size;
        return block;
    }

    /** Hands {@code block} back to the pool once {@code root} (which owns it) is unreachable. */
    void track(CudaBuffer root, Block block) {
        CLEANER.register(root, new Release(released, block));
    }

    private void drainReleased() {
        Block b;
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
    long flush(Runnable synchronize) {
        synchronize.run();
        long freed = 0;
        for (ArrayDeque<Block> list : idle.values()) {
            for (Block b : list) {
                cuMemFree(b.ptr);
                freed += b.bytes;
                all.remove(b);
            }
        }
        idle.clear();
        idleBytes = 0;
        return freed;
    }

    long liveBytes() {
        return liveBytes;
    }

    long idleBytes() {
        return idleBytes;
    }

    /** Frees every block, idle or live; buffers still referenced become invalid. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Block b : all) {
            cuMemFree(b.ptr);
        }
        all.clear();
        idle.clear();
        liveBytes = 0;
        idleBytes = 0;
    }

    private static boolean isOutOfMemory(CudaException e) {
        String m = e.getMessage();
        return m != null && m.contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY));
    }
}
