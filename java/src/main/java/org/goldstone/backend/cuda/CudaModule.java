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
 * {@code native/Makefile}) embedded in the jar and loaded without run-time compilation, plus the wgmma kernels in an
 * sm_90a cubin of their own, loaded on first use. Functions are looked up once by name and cached.
 */
final class CudaModule implements AutoCloseable {
    static final String RESOURCE = "goldstone/kernels/goldstone.fatbin";
    /** The wgmma kernels ({@code kernels/cuda/hopper}): sm_90a machine code only, a module of their own. */
    static final String HOPPER_RESOURCE = "goldstone/kernels/goldstone_sm90a.cubin";
    /** The names of the kernels in {@link #HOPPER_RESOURCE} begin with this. */
    static final String HOPPER_PREFIX = "tc_wgmma";

    private final CUmodule module;
    /** The sm_90a module once loaded; null before the first call of {@link #hopperProblem}. */
    private CUmodule hopper;
    /** Why the sm_90a module does not load here ("" when it loaded), once asked. */
    private String hopperProblem;
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

    /**
     * Loads the sm_90a module on first call (into the current context); "" when it is there, else one line saying why
     * not (not in the jar, or the device does not take it: only compute capability 9.0 does).
     */
    String hopperProblem() {
        if (hopperProblem == null) {
            try (InputStream in = CudaModule.class.getClassLoader().getResourceAsStream(HOPPER_RESOURCE)) {
                if (in == null) {
                    hopperProblem = HOPPER_RESOURCE + " is not in the jar (build it with: make -C native fatbin)";
                } else {
                    CUmodule m = new CUmodule();
                    cuModuleLoadData(m, in.readAllBytes());
                    hopper = m;
                    hopperProblem = "";
                }
            } catch (IOException | CudaException e) {
                hopperProblem = HOPPER_RESOURCE + " does not load on this device: " + e.getMessage();
            }
        }
        return hopperProblem;
    }

    CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            boolean sm90a = name.startsWith(HOPPER_PREFIX);
            if (sm90a && !hopperProblem().isEmpty()) {
                throw new BackendException("cuda: kernel " + name + ": " + hopperProblem);
            }
            f = new CUfunction();
            try {
                cuModuleGetFunction(f, sm90a ? hopper : module, name);
            } catch (CudaException e) {
                throw new BackendException("cuda: kernel " + name + " is not in "
                        + (sm90a ? HOPPER_RESOURCE : RESOURCE) + " (rebuild it with: make -C native fatbin)", e);
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
        if (hopper != null) {
            cuModuleUnload(hopper);
        }
    }
}
