package org.goldstone.backend.opencl;

import static org.jocl.CL.CL_PROGRAM_BINARIES;
import static org.jocl.CL.CL_PROGRAM_BINARY_SIZES;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateProgramWithBinary;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clGetProgramInfo;
import static org.jocl.CL.clReleaseProgram;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.goldstone.backend.BackendUnavailableException;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * The OpenCL kernels of every op family as one program per element type, built from the sources embedded in the jar
 * ({@code goldstone/kernels}: common/portable.h, opencl/common.h, common/radial.h and one {@code opencl/*.cl} per
 * family, in that order, their {@code #include} and {@code #pragma once} lines dropped: everything is one translation unit). A built
 * program's binary is cached per device and source under {@code ~/.cache/goldstone/opencl} (or
 * {@code -Dgoldstone.opencl.cache=DIR}), so a device compiles each version of the kernels once.
 */
final class ClProgram {
    /** The op families, in build order. */
    static final List<String> FAMILIES = List.of("reduce", "equiv_linear", "norm_act", "pointwise", "loss", "optim",
            "lanczos");
    private static final String ROOT = "goldstone/kernels/";

    private ClProgram() {
    }

    /** The program source: the dialect header, the common helpers, the radial profiles, then every family. */
    static String source() {
        StringBuilder sb = new StringBuilder();
        sb.append(read(ROOT + "common/portable.h"));
        sb.append(read(ROOT + "opencl/common.h"));
        sb.append(read(ROOT + "common/radial.h"));
        for (String f : FAMILIES) {
            sb.append(read(ROOT + "opencl/" + f + ".cl"));
        }
        return sb.toString();
    }

    private static String read(String resource) {
        try (InputStream in = ClProgram.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new BackendUnavailableException("opencl: kernel source " + resource + " is not in the jar");
            }
            StringBuilder sb = new StringBuilder("// ---- ").append(resource).append('\n');
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                boolean drop = line.startsWith("#include \"") || line.startsWith("#pragma once");
                sb.append(drop ? "// (one translation unit) " + line : line).append('\n');
            }
            return sb.toString();
        } catch (IOException e) {
            throw new BackendUnavailableException("opencl: cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds {@code source} with {@code options} for {@code device}, from the cached binary when one exists for this
     * device identity, source and options. A build failure is a {@link BackendUnavailableException} whose message
     * names the device and the first error line; its cause holds the whole build log.
     */
    static cl_program build(cl_context context, cl_device_id device, String identity, String source, String options) {
        Path cache = cacheFile(identity, source, options);
        if (cache != null && Files.isRegularFile(cache)) {
            try {
                byte[] binary = Files.readAllBytes(cache);
                cl_program p = clCreateProgramWithBinary(context, 1, new cl_device_id[] {device},
                        new long[] {binary.length}, new byte[][] {binary}, null, null);
                clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
                return p;
            } catch (IOException | CLException e) {
                // a stale or foreign binary: build from source below and overwrite it
            }
        }
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {source}, new long[] {source.length()},
                null);
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p, device);
            clReleaseProgram(p);
            String first = log.lines().filter(l -> l.contains("error")).findFirst().orElse(log.lines().findFirst()
                    .orElse(e.getMessage()));
            throw new BackendUnavailableException("opencl: the kernels do not build on " + identity + " ("
                    + options + "): " + first.strip() + " (--verbose prints the build log)",
                    new CLException("build log:\n" + log, e));
        }
        if (cache != null) {
            store(p, cache);
        }
        return p;
    }

    private static String buildLog(cl_program p, cl_device_id device) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, buf.length, Pointer.to(buf), null);
        return new String(buf, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    /** Writes the program's binary atomically; a cache that cannot be written only costs a rebuild next time. */
    private static void store(cl_program p, Path cache) {
        try {
            long[] sizes = new long[1];
            clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null);
            byte[] binary = new byte[(int) sizes[0]];
            Pointer ptr = Pointer.to(binary);
            clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(ptr), null);
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), cache.getFileName().toString(), ".tmp");
            Files.write(tmp, binary);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | CLException e) {
            System.getLogger(ClProgram.class.getName()).log(System.Logger.Level.DEBUG,
                    "opencl: binary cache not written: " + e);
        }
    }

    private static Path cacheFile(String identity, String source, String options) {
        String dir = System.getProperty("goldstone.opencl.cache");
        Path base;
        if (dir != null) {
            base = Path.of(dir);
        } else {
            String home = System.getProperty("user.home");
            if (home == null) {
                return null;
            }
            base = Path.of(home, ".cache", "goldstone", "opencl");
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((identity + "\n" + options + "\n" + source).getBytes(StandardCharsets.UTF_8));
            return base.resolve(HexFormat.of().formatHex(md.digest()).substring(0, 32) + ".bin");
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }
}
