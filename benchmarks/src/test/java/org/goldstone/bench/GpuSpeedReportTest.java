package org.goldstone.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link GpuSpeedReport} on the files of the H100 speed run that the README's tables come from
 * ({@code benchmarks/gpu/results-2026-11-26/speed-run3-*}): the figures it reads are the ones the logs print.
 */
class GpuSpeedReportTest {
    private static final Path RUN = Path.of("gpu/results-2026-11-26");

    private static GpuSpeedReport.Run find(List<GpuSpeedReport.Run> runs, String method, String backend, String net,
                                           int width) {
        return runs.stream().filter(r -> r.method().equals(method) && r.backend().equals(backend)
                && r.net().equals(net) && r.width() == width).findFirst().orElse(null);
    }

    @Test
    void stepsAndHvpsOfTheJmhLogCarryTheirKernelAndGraphLabels() throws IOException {
        List<GpuSpeedReport.Run> runs = GpuSpeedReport.trainStepRuns(Files.readAllLines(RUN.resolve(
                "speed-run3-jmh.txt")));
        GpuSpeedReport.Run cublas = find(runs, "step", "cuda+cublas-tf32 (graph)", "O(4)", 1024);
        assertNotNull(cublas, "the cuBLAS TF32 graph step at width 1024");
        assertEquals(List.of(16.183, 16.295), cublas.ms());
        assertEquals(16.239, cublas.mean(), 1e-9);
        assertNotNull(find(runs, "step", "cuda+tf32 (mma kernel) (graph)", "O(4)", 1024),
                "the engine's kernel is labelled with the -Dgoldstone.tc.kernel of its fork");
        assertNotNull(find(runs, "step", "cuda+cublas-tf32", "O(4)", 256), "the one step without a graph");
        GpuSpeedReport.Run cutOff = find(runs, "step", "cuda+cublas-tf32 (graph)", "U(1)", 1024);
        assertNotNull(cutOff);
        assertTrue(cutOff.ms().isEmpty(), "a fork cut off by its time limit has no iterations");

        GpuSpeedReport.Run hvp = GpuSpeedReport.hvpFor(runs, cublas);
        assertNotNull(hvp, "the eager HVP pairs with the graph step of its backend");
        assertEquals(39.977, hvp.mean(), 1e-9);
        assertNull(GpuSpeedReport.hvpFor(runs, find(runs, "step", "cuda+cublas-tf32 (graph)", "U(1)", 256)));
    }

    @Test
    void pytorchFiguresTakeTheFasterTimingAndKeepBf16Apart() throws IOException {
        Map<String, Double> torch = GpuSpeedReport.pytorch(Files.readAllLines(RUN.resolve("speed-run3-pytorch.txt")));
        assertEquals(18.032, torch.get("O(4) 1024 reduce-overhead"), 0.0, "the back-to-back figure is the faster");
        assertEquals(26.712, torch.get("O(4) 256 eager"), 0.0, "32.060 synchronized, 26.712 back to back");
        assertEquals(107.297, torch.get("O(4) 1024 hvp"), 0.0);
        assertEquals(10.233, torch.get("bf16 O(4) 1024 reduce-overhead"), 0.0);
        assertNull(torch.get("U(1) 1024 reduce-overhead"), "cut off by the time limit in that run");
    }

    @Test
    void kernelLabels() {
        assertEquals(" (mma kernel)", GpuSpeedReport.kernelLabel("-Xmx40g -Dgoldstone.tc.kernel=mma"));
        assertEquals(" (register-staged kernel)", GpuSpeedReport.kernelLabel("-Dgoldstone.tc.kernel=sync -Xmx4g"));
        assertEquals(" (cp.async kernel)", GpuSpeedReport.kernelLabel("[\"-Dgoldstone.tc.kernel=async\"]"));
        assertEquals("", GpuSpeedReport.kernelLabel("-Xmx40g"));
        assertEquals(" (U(1) as four GEMMs)", GpuSpeedReport.optionLabel("-Xmx40g -Dgoldstone.u1.gemm=four"));
        assertEquals(" (no Jacobian epilogue)", GpuSpeedReport.optionLabel("[\"-Dgoldstone.tc.jacobian=false\"]"));
        assertEquals("", GpuSpeedReport.optionLabel("-Dgoldstone.u1.gemm=block -Dgoldstone.cuda.graphs=true"));
        assertEquals("bf16 ", GpuSpeedReport.precision("cuda+cublas-bf16 (graph)"));
        assertEquals("", GpuSpeedReport.precision("cuda+cublas-tf32"));
    }
}
