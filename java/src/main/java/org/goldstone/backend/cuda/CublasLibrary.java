package org.goldstone.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import jcuda.jcublas.JCublas2;
import org.goldstone.backend.BackendUnavailableException;

/**
 * Loads JCublas2's JNI library in the variant that matches the installed cuBLAS. The jar ships the stock library
 * (linked to libcublas.so.12) and a re-linked copy for CUDA 13 ({@code native/jcublas-cuda13.py}: needs
 * libcublas.so.13, its symbols unversioned). The CUDA 13 copy is tried first: {@link System#load} resolves its
 * libcublas.so.13 through the dynamic loader's usual search (LD_LIBRARY_PATH, the ld.so cache, system folders) and
 * fails when there is none; JCuda's own loader then finds the already-loaded copy, because it looks for its library
 * under {@code java.io.tmpdir} first and that property points at the copy's folder while JCublas2 initializes.
 * Otherwise the stock library is loaded the usual way (needs libcublas.so.12).
 *
 * <p>Link errors propagate to {@code Backends}, the one place that turns them into a reason.
 */
final class CublasLibrary {
    static final String STOCK = "libJCublas2-12.6.0-linux-x86_64.so";
    static final String CUDA13_RESOURCE = "goldstone/native/libJCublas2-12.6.0-linux-x86_64-cuda13.so";

    private static String variant;

    private CublasLibrary() {
    }

    /** Loads the library once per process; returns which variant ("cuBLAS 13 (re-linked JCublas2)" or stock). */
    static synchronized String load() {
        if (variant != null) {
            return variant;
        }
        Path copy = extractCuda13();
        boolean cuda13;
        try {
            System.load(copy.toString());
            cuda13 = true;
        } catch (UnsatisfiedLinkError e) {
            cuda13 = false;                                  // no libcublas.so.13: the stock library may still load
        }
        if (cuda13) {
            String tmp = System.getProperty("java.io.tmpdir");
            System.setProperty("java.io.tmpdir", copy.getParent().toString());
            try {
                JCublas2.setExceptionsEnabled(true);
            } finally {
                System.setProperty("java.io.tmpdir", tmp);
            }
            variant = "cuBLAS 13 (re-linked JCublas2 12.6.0)";
        } else {
            JCublas2.setExceptionsEnabled(true);
            variant = "cuBLAS 12 (JCublas2 12.6.0)";
        }
        return variant;
    }

    private static Path extractCuda13() {
        try (InputStream in = CublasLibrary.class.getClassLoader().getResourceAsStream(CUDA13_RESOURCE)) {
            if (in == null) {
                throw new BackendUnavailableException("cuBLAS: " + CUDA13_RESOURCE + " is not in the jar (run"
                        + " make -C native jcublas13)");
            }
            Path dir = Files.createTempDirectory("goldstone-jcublas");
            Path file = dir.resolve(STOCK);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new BackendUnavailableException("cuBLAS: cannot extract the CUDA 13 JNI library: " + e.getMessage(),
                    e);
        }
    }
}
