package org.goldstone.backend;

import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.loss.Loss;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.group.Group;
import org.goldstone.layer.RadialProfile;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The record / replay seam ({@code Backend.record}, {@code Backend.fence}) on every backend: recording runs nothing,
 * each run has the body's effect once, a fence waits for what was queued before it. On CUDA the replay is a captured
 * graph when the test JVM has {@code -Dgoldstone.cuda.graphs=true} and eager otherwise; either way a replayed
 * forward-and-backward pass of a network must give the same gradient as the direct call.
 */
@Tag("cuda")
@Tag("opencl")
class ReplayTest {
    static Stream<Arguments> backends() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of("cpu"));
        for (String be : Parity.ACCELERATORS) {
            out.add(Arguments.of(be));
        }
        return out.stream();
    }

    private static Backend open(String name) {
        return name.equals("cpu") ? Parity.cpu() : Parity.backend(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void recordingRunsNothingAndEachRunRunsTheBodyOnce(String name) {
        Backend be = open(name);
        DeviceBuffer x = upload(be, DType.F32, new double[] {1, 2, 3, 4, 5});
        DeviceBuffer y = upload(be, DType.F32, new double[5]);
        try (Replay r = be.record(() -> be.reduce().axpyInPlace(1.0, x, y))) {
            assertArrayEquals(new double[5], download(be, y), 0.0, name + ": recording ran the body (" + r.how()
                    + ")");
            for (int i = 0; i < 3; i++) {
                r.run();
            }
            Runnable fence = be.fence();
            fence.run();
            assertArrayEquals(new double[] {3, 6, 9, 12, 15}, download(be, y), 0.0, name + ": three runs of y += x ("
                    + r.how() + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aReplayedForwardAndBackwardGivesTheDirectGradient(String name) {
        Backend be = open(name);
        NetSpec spec = NetSpec.builder().inputs(12).embed(Group.parse("O(4)"), 8).equivariant(4, RadialProfile.ALG)
                .readout(4).build();
        FeedForwardNet net = FeedForwardNet.of(spec);
        SplittableRandom rng = new SplittableRandom(3);
        double[] theta = net.initialParameters(rng);
        int batch = 16;
        float[] x = new float[batch * 12];
        double[] labels = new double[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int b = 0; b < batch; b++) {
            labels[b] = rng.nextInt(4);
        }
        FeedForwardNet.Workspace ws = net.workspace(be, DType.F32, batch);
        ws.load(x, labels, batch);
        DeviceBuffer params = be.allocate(DType.F32, net.paramCount());
        be.write(params, theta);
        DeviceBuffer direct = be.allocate(DType.F32, net.paramCount());
        DeviceBuffer replayed = be.allocate(DType.F32, net.paramCount());
        Loss loss = Loss.parse("ce");
        double value = net.lossAndGradient(ws, params, direct, loss, batch).sum();
        try (Replay r = be.record(() -> net.lossAndGradient(ws, params, replayed, loss, batch))) {
            r.run();
            r.run();                                       // the same inputs twice: the same gradient
            be.fence().run();
            double[] want = download(be, direct), got = download(be, replayed);
            assertArrayEquals(want, got, 0.0, name + ": replayed gradient (" + r.how() + ")");
            assertTrue(Double.isFinite(value) && value > 0, name + ": loss " + value);
        }
        assertEquals(value, net.lossAndGradient(ws, params, direct, loss, batch).sum(), 0.0,
                name + ": the direct loss again after the replays");
    }
}
