package org.goldstone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 8's tables from one GPU run of {@code benchmarks/gpu/speed-check.sh}:
 * <pre>
 *   GpuSpeedReport PEAK_TFLOPS jmh.txt pytorch.txt [gemm.json ...]
 * </pre>
 * <ol>
 *   <li>The GEMM alone ({@link EquivLinearBench} JSON results): microseconds per call, TFLOP/s (2 m n kk flops) and
 *       the fraction of {@code PEAK_TFLOPS} (the TF32 dense tensor-core peak of the device, a number the caller
 *       states); the backend label names the tensor-core kernel when the JSON's JVM arguments chose one
 *       ({@code -Dgoldstone.tc.kernel=...}, see {@link #kernelLabel}).</li>
 *   <li>The training step and the HVP ({@link TrainStepBench}) read from the JMH console log, because a run cut
 *       short by its time limit leaves its JSON empty: per configuration the measured iterations as printed and
 *       their mean; next to them the PyTorch figures of the same run ({@code pytorch <net> <width> <mode> <ms>
 *       ms/step} and {@code pytorch-pipelined ...}: the faster of the two counts; {@code pytorch-hvp <net> <width> eager
 *       <ms> ms/hvp}, from {@code benchmarks/pytorch/gpu_step.py}; a bf16 backend is compared with the
 *       {@code pytorch-bf16...} lines of {@code --precision bf16}) and the ratios PyTorch ms / Goldstone ms (above 1:
 *       Goldstone is faster), plus HVP / step.</li>
 * </ol>
 * A configuration without iterations (failed or cut off) prints "-" and says so.
 */
public final class GpuSpeedReport {
    /** The shapes speed-check.sh runs (the log's parameters are checked against them). */
    static final int DEPTH = 100, BATCH = 1024;
    private static final Pattern PARAMS = Pattern.compile("^# Parameters: \\((.*)\\)$");
    private static final Pattern BENCH = Pattern.compile("^# Benchmark: \\S+\\.(\\w+)$");
    private static final Pattern ITERATION = Pattern.compile("^Iteration\\s+\\d+: ([0-9.]+) ms/op$");
    private static final Pattern KERNEL = Pattern.compile("goldstone\\.tc\\.kernel=([A-Za-z0-9-]+)");

    private GpuSpeedReport() {
    }

    /** One TrainStepBench configuration of the log: method, backend, net, width and its iterations in ms. */
    record Run(String method, String backend, String net, int width, List<Double> ms) {
        double mean() {
            return ms.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        String iterations() {
            List<String> out = new ArrayList<>();
            for (double v : ms) {
                out.add(String.format(Locale.ROOT, "%.2f", v));
            }
            return ms.isEmpty() ? "- (no iteration: failed or cut off)" : String.join(", ", out);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: GpuSpeedReport PEAK_TFLOPS jmh.txt pytorch.txt [gemm.json ...]");
            System.exit(2);
        }
        double peak = Double.parseDouble(args[0]);
        List<Run> runs = trainStepRuns(Files.readAllLines(Path.of(args[1])));
        Map<String, Double> torch = pytorch(Files.readAllLines(Path.of(args[2])));

        System.out.printf(Locale.ROOT, "GEMM alone (EquivLinearBench, fp32 storage; peak %.1f TFLOP/s as given)%n",
                peak);
        System.out.println("| backend | shape | us/call | TFLOP/s | fraction of peak |");
        System.out.println("|---|---|---|---|---|");
        for (int i = 3; i < args.length; i++) {
            for (JsonNode r : new ObjectMapper().readTree(Path.of(args[i]).toFile())) {
                if (!r.path("benchmark").asText().contains(".EquivLinearBench.")) {
                    continue;                                 // a merged file holds every JMH run
                }
                JsonNode p = r.path("params");
                String shape = p.path("shape").asText();
                double us = r.path("primaryMetric").path("score").asDouble();
                String unit = r.path("primaryMetric").path("scoreUnit").asText();
                if (!unit.equals("us/op")) {
                    throw new IllegalArgumentException(args[i] + ": expected us/op, found " + unit);
                }
                double tflops = EquivLinearBench.flops(shape) / (us * 1e-6) / 1e12;
                String backend = p.path("backend").asText();
                String jvm = r.path("jvmArgs").toString();
                String kernel = (backend.endsWith("+tf32") ? kernelLabel(jvm) : "") + optionLabel(jvm);
                System.out.printf(Locale.ROOT, "| %s%s | %s | %.1f | %.1f | %.3f |%n", backend,
                        kernel, shape, us, tflops, tflops / peak);
            }
        }

        System.out.println();
        System.out.println("Training step and HVP (TrainStepBench, depth 100, batch 1024; ms per call, iterations as"
                + " printed) against PyTorch in the same run");
        System.out.println("| net | width | backend | step ms (iterations) | step mean | GEMM TFLOP/step | TFLOP/s |"
                + " PyTorch eager | compile | reduce-overhead | eager / Goldstone | best / Goldstone |"
                + " HVP ms (iterations) | PyTorch HVP | PyTorch HVP / Goldstone | HVP / step |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Run step : runs) {
            if (!step.method().equals("step")) {
                continue;
            }
            String key = precision(step.backend()) + step.net() + " " + step.width();
            Double eager = torch.get(key + " eager"), compile = torch.get(key + " compile");
            Double ro = torch.get(key + " reduce-overhead"), torchHvp = torch.get(key + " hvp");
            Double best = null;
            for (Double t : new Double[] {eager, compile, ro}) {
                if (t != null && (best == null || t < best)) {
                    best = t;
                }
            }
            Run hvp = hvpFor(runs, step);
            double s = step.mean(), h = hvp == null ? Double.NaN : hvp.mean();
            double tflop = TrainStepBench.flops(step.net(), step.width(), DEPTH, BATCH) / 1e12;
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %.3f | %s | %s | %s | %s | %s | %s | %s | %s | %s"
                    + " | %s |%n",
                    step.net(), step.width(), step.backend(), step.iterations(), num(s), tflop, num(tflop / s * 1e3),
                    num(eager), num(compile),
                    num(ro), ratio(eager, s), ratio(best, s), hvp == null ? "-" : hvp.iterations(), num(torchHvp),
                    ratio(torchHvp, h), Double.isFinite(s) && Double.isFinite(h) ? num(h / s) : "-");
        }
    }

    /**
     * The HVP row that goes with a step row: same net and width, and the same backend label, or the step's label
     * without " (graph)" (an eager HVP next to a graph step: the HVP / step ratio is then against the faster step);
     * an exact label match wins. Null when there is none.
     */
    static Run hvpFor(List<Run> runs, Run step) {
        Run hvp = null;
        for (Run r : runs) {
            boolean same = r.backend().equals(step.backend());
            if (r.method().equals("hvp") && (same || (r.backend() + " (graph)").equals(step.backend()))
                    && r.net().equals(step.net()) && r.width() == step.width() && (hvp == null || same)) {
                hvp = r;
            }
        }
        return hvp;
    }

    /** The TrainStepBench configurations of a JMH console log, in order. */
    static List<Run> trainStepRuns(List<String> lines) {
        List<Run> out = new ArrayList<>();
        String method = null;
        String vmKernel = "", vmOptions = "";
        Run current = null;
        for (String line : lines) {
            if (line.startsWith("# VM options:")) {
                vmKernel = kernelLabel(line);
                vmOptions = optionLabel(line);
                continue;
            }
            Matcher b = BENCH.matcher(line.trim());
            if (b.matches()) {
                method = line.contains(".TrainStepBench.") ? b.group(1) : null;
                continue;
            }
            Matcher p = PARAMS.matcher(line.trim());
            if (p.matches() && method != null) {
                Map<String, String> kv = new LinkedHashMap<>();
                for (String pair : p.group(1).split(", ")) {
                    int eq = pair.indexOf(" = ");
                    kv.put(pair.substring(0, eq), pair.substring(eq + 3));
                }
                if (Integer.parseInt(kv.get("depth")) != DEPTH || Integer.parseInt(kv.get("batch")) != BATCH) {
                    throw new IllegalArgumentException("expected depth " + DEPTH + " and batch " + BATCH + ", found "
                            + p.group(1));
                }
                String backend = kv.get("backend") + (kv.get("backend").endsWith("+tf32") ? vmKernel : "")
                        + vmOptions + ("true".equals(kv.get("graph")) ? " (graph)" : "");
                current = new Run(method, backend, kv.get("net"), Integer.parseInt(kv.get("width")),
                        new ArrayList<>());
                out.add(current);
                continue;
            }
            Matcher it = ITERATION.matcher(line.trim());
            if (it.matches() && current != null) {
                current.ms().add(Double.parseDouble(it.group(1)));
            }
        }
        return out;
    }

    /**
     * "net width mode" (mode "hvp" for the HVP) -> ms, from the lines gpu_step.py prints; a step measured both ways
     * (each step synchronized, and back to back) counts with the faster of the two.
     */
    static Map<String, Double> pytorch(List<String> lines) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 6 || !f[0].startsWith("pytorch")) {
                continue;
            }
            String tag = f[0].startsWith("pytorch-bf16") ? "bf16 " : "";
            String kind = f[0].substring(tag.isEmpty() ? 7 : 12);          // "", "-pipelined" or "-hvp"
            if ((kind.isEmpty() || kind.equals("-pipelined")) && f[5].equals("ms/step")) {
                out.merge(tag + f[1] + " " + f[2] + " " + f[3], Double.parseDouble(f[4]), Math::min);
            } else if (kind.equals("-hvp") && f[5].equals("ms/hvp")) {
                out.put(tag + f[1] + " " + f[2] + " hvp", Double.parseDouble(f[4]));
            }
        }
        return out;
    }

    /**
     * " (&lt;kernel&gt; kernel)" when JVM arguments chose the engine's tensor-core kernel
     * ({@code -Dgoldstone.tc.kernel=mma|sync}; the caller asks only for a "+tf32" backend), else "". Older runs'
     * logs name kernels since removed: async (the wmma cp.async kernel, printed "cp.async"), wide, mma-wide.
     */
    static String kernelLabel(String jvmArgs) {
        Matcher m = KERNEL.matcher(jvmArgs);
        if (!m.find()) {
            return "";
        }
        String k = m.group(1);
        return " (" + (k.equals("async") ? "cp.async" : k.equals("sync") ? "register-staged" : k) + " kernel)";
    }

    /**
     * The same-run comparisons' labels, for any backend: " (U(1) as four GEMMs)" when the JVM arguments chose
     * {@code -Dgoldstone.u1.gemm=four} (the block form is the default), " (no Jacobian epilogue)" for
     * {@code -Dgoldstone.tc.jacobian=false}; "" otherwise.
     */
    static String optionLabel(String jvmArgs) {
        return (jvmArgs.contains("goldstone.u1.gemm=four") ? " (U(1) as four GEMMs)" : "")
                + (jvmArgs.contains("goldstone.tc.jacobian=false") ? " (no Jacobian epilogue)" : "");
    }

    /** The PyTorch figures' key prefix for a backend: "bf16 " for the bf16 GEMM providers, else "" (TF32). */
    static String precision(String backend) {
        return backend.contains("bf16") ? "bf16 " : "";
    }

    private static String num(Double v) {
        return v == null || !Double.isFinite(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ratio(Double torchMs, double goldstoneMs) {
        return torchMs == null || !Double.isFinite(goldstoneMs) ? "-"
                : String.format(Locale.ROOT, "%.2f", torchMs / goldstoneMs);
    }
}
