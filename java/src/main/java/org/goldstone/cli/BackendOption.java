package org.goldstone.cli;

import java.io.PrintStream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.BackendUnavailableException;
import org.goldstone.backend.Backends;
import picocli.CommandLine.Option;

/** The {@code --backend} option every computing command shares (a picocli mixin). */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "auto, cpu, cuda, cuda:N, opencl or opencl:N (`devices` lists them). auto prefers cuda, then"
                    + " an OpenCL GPU, then cpu, and says what it chose; a named backend that cannot open is an error."
                    + " Default: ${DEFAULT-VALUE}")
    String backend = "auto";

    @Option(names = "--gemm", paramLabel = "PROVIDER",
            description = "cuda GEMM provider: native (the engine's exact fp32/fp64 kernels), tf32 (the engine's"
                    + " tensor-core kernel: TF32 inputs, fp32 accumulate), cublas, cublas-tf32 or cublas-bf16 (through"
                    + " JCublas2, for comparison; cublas-bf16: inputs rounded to bf16, fp32 accumulate)."
                    + " Default: ${DEFAULT-VALUE}")
    String gemm = "native";

    /** Opens the chosen backend; with auto, prints the choice (and why an accelerator was passed over). */
    Backend open(PrintStream out) {
        switch (gemm.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "native":
                return open(backend, out);
            case "cublas":
            case "cublas-tf32":
            case "cublas-bf16":
            case "tf32":
                String provider = gemm.trim().toLowerCase(java.util.Locale.ROOT);
                if (backend.trim().equalsIgnoreCase("auto")) {
                    try {
                        Backend b = Backends.open("cuda+" + provider);
                        out.println("backend : auto chose " + b.describe());
                        return b;
                    } catch (BackendUnavailableException e) {
                        out.println(e.getMessage());
                        return open("auto", out);
                    }
                }
                if (!backend.trim().toLowerCase(java.util.Locale.ROOT).startsWith("cuda")) {
                    throw new IllegalArgumentException("--gemm " + provider + ": expected --backend cuda or auto, found '"
                            + backend + "'");
                }
                return Backends.open(backend.trim() + "+" + provider);
            default:
                throw new IllegalArgumentException("--gemm: expected native, tf32, cublas, cublas-tf32 or cublas-bf16,"
                        + " found '" + gemm + "'");
        }
    }

    static Backend open(String name, PrintStream out) {
        if (!"auto".equalsIgnoreCase(name.trim())) {
            return Backends.open(name);
        }
        java.util.List<String> skipped = new java.util.ArrayList<>();
        Backend b = Backends.openAuto(skipped);
        out.println("backend : auto chose " + b.describe()
                + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")"));
        return b;
    }
}
