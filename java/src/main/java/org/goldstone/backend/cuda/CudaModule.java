package org.goldstone.backend.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
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
    /** The dynamic shared memory each kernel has been allowed so far (48 KB without asking). */
    private final Map<String, Integer> sharedLimits = new HashMap<>();

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

    /**
     * Lets {@code name} take {@code bytes} of dynamic shared memory: above 48 KB a kernel must opt in
     * (CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES), once per function; a device with less per block refuses here.
     */
    void allowShared(String name, int bytes) {
        if (bytes <= 48 * 1024 || sharedLimits.getOrDefault(name, 0) >= bytes) {
            return;
        }
        try {
            cuFuncSetAttribute(function(name), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    bytes);
        } catch (CudaException e) {
            throw new BackendException("cuda: kernel " + name + " needs " + bytes
                    + " B of shared memory per block, which this device does not allow: " + e.getMessage(), e);
        }
        sharedLimits.put(name, bytes);
    }

    @Override
    public void close() {
        cuModuleUnload(module);
    }
}
