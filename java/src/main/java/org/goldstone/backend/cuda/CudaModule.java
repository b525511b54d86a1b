package org.goldstone.backend.cuda;

import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.goldstone.backend.BackendException;
import org.goldstone.backend.BackendUnavailableException;

/**
 * The kernels of every op family: one fatbin (sm_80, sm_90 machine code and compute_90 PTX, built by
 * {@code native/Makefile}) embedded in the jar and loaded without run-time compilation. Functions are looked up
 * once by name and cached.
 */
final class CudaModule implements AutoCloseable {
    static final String RESOURCE = "goldstone/kernels/goldstone.fatbin";

    private final CUmodule module;
    private final Map<String, CUfunction> functions = new HashMap<>();

    private CudaModule(CUmodule module) {
        this.module = module;
    }

    /** The fatbin bytes from the jar; a one-line reason when the jar was built without it. */
    static byte[] image() {
        try (InputStream in = CudaModule.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BackendUnavailableException("kernel image " + RESOURCE
                        + " is not in the jar (build it with: make -C native fatbin)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot read kernel image " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Loads the image into the current context (exceptions must be enabled). */
    static CudaModule load() {
        byte[] image = image();
        CUmodule m = new CUmodule();
        try {
            cuModuleLoadData(m, image);
        } catch (CudaException e) {
            throw new BackendUnavailableException("cuda: the kernel image (" + image.length
                    + " bytes, sm_80/sm_90/compute_90) does not load on this device: " + e.getMessage(), e);
        }
        return new CudaModule(m);
    }

    CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            f = new CUfunction();
            try {
                cuModuleGetFunction(f, module, name);
            } catch (CudaException e) {
                throw new BackendException("cuda: kernel " + name + " is not in " + RESOURCE
                        + " (rebuild it with: make -C native fatbin)", e);
            }
            functions.put(name, f);
        }
        return f;
    }

    @Override
    public void close() {
        cuModuleUnload(module);
    }
}
