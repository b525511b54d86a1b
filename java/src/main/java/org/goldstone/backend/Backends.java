package org.goldstone.backend;

import java.util.List;
import org.goldstone.backend.cpu.CpuBackend;

/**
 * Finds and opens backends by name. This is the only place that turns a missing device or native library into a
 * one-line reason; callers fall back to "cpu".
 */
public final class Backends {
    private Backends() {
    }

    /** Names this build knows about, in order of preference. */
    public static List<String> names() {
        return List.of("cpu", "cuda", "opencl");
    }

    /** Opens a backend; throws {@link BackendUnavailableException} with a one-line reason when it cannot. */
    public static Backend open(String name) {
        switch (name) {
            case "cpu":
                return new CpuBackend(Runtime.getRuntime().availableProcessors());
            case "cuda":
            case "opencl":
                throw new BackendUnavailableException(name + " backend is not part of this build yet; using cpu");
            default:
                throw new BackendUnavailableException("unknown backend '" + name + "': expected one of " + names());
        }
    }

    /** Whether {@link #open(String)} would succeed. */
    public static boolean isAvailable(String name) {
        return reason(name) == null;
    }

    /** Null when available, else the one-line reason. */
    public static String reason(String name) {
        try (Backend ignored = open(name)) {
            return null;
        } catch (BackendUnavailableException e) {
            return e.getMessage();
        }
    }
}
