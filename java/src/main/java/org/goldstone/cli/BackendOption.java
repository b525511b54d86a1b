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
            description = "cuda GEMM provider: native (the engine's kernels) or cublas (through JCublas2, for"
                    + " comparison). Default: ${DEFAULT-VALUE}")
    String gemm = "native";

    /** Opens the chosen backend; with auto, prints the choice (and why an accelerator was passed over). */
    Backend open(PrintStream out) {
        switch (gemm.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "native":
                return open(backend, out);
            case "cublas":
                if (backend.trim().equalsIgnoreCase("auto")) {
                    try {
                        Backend b = Backends.open("cuda+cublas");
                        out.println("backend : auto chose " + b.describe());
                        return b;
                    } catch (BackendUnavailableException e) {
                        out.println(e.getMessage());
                        return open("auto", out);
                    }
                }
                if (!backend.trim().toLowerCase(java.util.Locale.ROOT).startsWith("cuda")) {
                    throw new IllegalArgumentException("--gemm cublas: expected --backend cuda or auto, found '"
                            + backend + "'");
                }
                return Backends.open(backend.trim() + "+cublas");
            default:
                throw new IllegalArgumentException("--gemm: expected native or cublas, found '" + gemm + "'");
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
