package org.goldstone.cli;

import java.util.concurrent.Callable;
import org.goldstone.backend.Backends;
import picocli.CommandLine.Command;

/** {@code goldstone devices}: every backend with its device, or the one-line reason it is unavailable. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists the backends this build has: device name, memory, compute capability and driver, or why"
                + " one is unavailable.")
final class DevicesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (Backends.Probe p : Backends.probe()) {
            System.out.printf("%-12s %s %s%n", p.name(), p.available() ? "available  " : "unavailable", p.detail());
        }
        return 0;
    }
}
