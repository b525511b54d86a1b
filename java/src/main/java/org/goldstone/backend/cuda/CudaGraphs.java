package org.goldstone.backend.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphGetNodes;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.util.ArrayList;
import java.util.List;
import jcuda.CudaException;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.KernelLaunchException;
import org.goldstone.backend.Replay;

/**
 * CUDA graphs for {@link CudaBackend#record} (opt-in: {@code -Dgoldstone.cuda.graphs=true}) and stream events for
 * {@link CudaBackend#fence}.
 *
 * <p>Capture: pending loss values are read first (a read inside a capture would end it), then the body runs once with
 * the backend's stream in relaxed capture mode, so its launches, memsets and copies become graph nodes instead of
 * running; the graph is instantiated and each {@link Replay#run()} is one {@code cuGraphLaunch}. Every buffer a
 * captured launch touches, and every buffer allocated during the capture, is kept by the replay until it is closed,
 * so the pool never hands a block the graph writes to anyone else. If anything fails the capture is ended and the
 * replay runs the body eagerly instead, and says why in {@link Replay#how()}.
 */
final class CudaGraphs {
    /** {@code -Dgoldstone.cuda.graphs=true} turns capture on. */
    static final boolean ENABLED = Boolean.getBoolean("goldstone.cuda.graphs");

    private CudaGraphs() {
    }

    static Replay capture(CudaBackend be, Runnable body) {
        if (!ENABLED) {
            return Replay.eager(body, "eager (CUDA graphs are off; -Dgoldstone.cuda.graphs=true turns them on)");
        }
        be.bind();
        be.settleLosses();
        List<DeviceBuffer> kept = new ArrayList<>();
        CUgraph graph = new CUgraph();
        boolean open = false;
        try {
            be.beginTracking(kept);
            cuStreamBeginCapture(be.stream(), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED);
            open = true;
            body.run();
            open = false;
            cuStreamEndCapture(be.stream(), graph);
            CUgraphExec exec = new CUgraphExec();
            cuGraphInstantiate(exec, graph, 0);
            return new GraphReplay(be, graph, exec, kept, nodeCount(graph));
        } catch (RuntimeException e) {
            if (open) {
                try {
                    cuStreamEndCapture(be.stream(), new CUgraph());
                } catch (CudaException ignored) {
                    // the capture is over either way; the reason below is the first failure
                }
            }
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int nl = m.indexOf('\n');
            return Replay.eager(body, "eager (capture failed: " + (nl < 0 ? m : m.substring(0, nl)) + ")");
        } finally {
            be.endTracking();
        }
    }

    /** Nodes of a graph (-1 when the driver binding cannot count them: only the description uses it). */
    private static long nodeCount(CUgraph graph) {
        try {
            long[] nodes = {0};
            cuGraphGetNodes(graph, null, nodes);
            return nodes[0];
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** An event recorded now on the backend's stream; the action waits for it (once) and frees it. */
    static Runnable fence(CudaBackend be) {
        be.bind();
        CUevent event = new CUevent();
        cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        cuEventRecord(event, be.stream());
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                try {
                    cuEventSynchronize(event);
                } finally {
                    cuEventDestroy(event);
                }
            }
        };
    }

    private static final class GraphReplay implements Replay {
        private final CudaBackend be;
        private final long nodes;
        private CUgraph graph;
        private CUgraphExec exec;
        private List<DeviceBuffer> kept;

        GraphReplay(CudaBackend be, CUgraph graph, CUgraphExec exec, List<DeviceBuffer> kept, long nodes) {
            this.be = be;
            this.graph = graph;
            this.exec = exec;
            this.kept = kept;
            this.nodes = nodes;
        }

        @Override
        public void run() {
            if (exec == null) {
                throw new IllegalStateException("cuda graph: replay after close");
            }
            be.bind();
            try {
                cuGraphLaunch(exec, be.stream());
            } catch (CudaException e) {
                throw new KernelLaunchException("cuda: launch of a captured graph (" + nodes + " nodes) failed: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public String how() {
            return "cuda graph (" + nodes + " nodes, " + kept.size() + " buffers kept)";
        }

        @Override
        public void close() {
            if (exec != null) {
                be.bind();
                cuGraphExecDestroy(exec);
                cuGraphDestroy(graph);
                exec = null;
                graph = null;
                kept = List.of();
            }
        }
    }
}
