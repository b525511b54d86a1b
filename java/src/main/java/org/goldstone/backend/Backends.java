package org.goldstone.backend;

import java.util.ArrayList;
import java.util.List;
import jcuda.CudaException;
import org.goldstone.backend.opencl.ClBackend;
import org.jocl.CLException;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.backend.cuda.CudaBackend;

/**
 * Finds and opens backends by name. This is the only place that catches the native layer's link and driver errors
 * ({@link UnsatisfiedLinkError}, {@link NoClassDefFoundError}, {@link CudaException}, {@link CLException}) and turns
 * them into a
 * one-line {@link BackendUnavailableException}; callers fall back to "cpu" where the user asked for "auto".
 */
public final class Backends {
    private Backends() {
    }

    /** What {@link #probe()} found for one backend: a description when available, else the one-line reason. */
    public record Probe(String name, boolean available, String detail) { }

    /** Names this build knows about, in order of preference for "auto". */
    public static List<String> names() {
        return List.of("cuda", "opencl", "cpu");
    }

    /**
     * Opens a backend: "cpu", "cuda" (device 0) or "cuda:N", each cuda name optionally with a GEMM provider:
     * "+cublas" (cuBLAS), "+cublas-tf32" (cuBLAS with TF32 tensor-op math), "+cublas-bf16" (cuBLAS on bf16
     * inputs, fp32 accumulation) or "+tf32" (the engine's tensor-core kernel), "opencl" (the first GPU, else the
     * first device) or "opencl:N" (device N of all platforms), or
     * "auto" (the first of {@link #names()} that opens).
     * Throws {@link BackendUnavailableException} with a one-line reason when it cannot.
     */
    public static Backend open(String name) {
        if (name == null) {
            throw new BackendUnavailableException("backend: expected one of auto, " + String.join(", ", names())
                    + ", found null");
        }
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("auto")) {
            return openAuto(new ArrayList<>());
        }
        if (n.equals("cpu")) {
            return new CpuBackend(Runtime.getRuntime().availableProcessors());
        }
        int plus = n.indexOf('+');
        String device = plus < 0 ? n : n.substring(0, plus);
        if (device.equals("cuda") || device.startsWith("cuda:")) {
            return openCuda(device.equals("cuda") ? 0 : index(device), gemm(plus < 0 ? "native" : n.substring(plus + 1)));
        }
        if (n.equals("opencl") || n.startsWith("opencl:")) {
            return openOpencl(n.equals("opencl") ? -1 : index(n));
        }
        throw new BackendUnavailableException("unknown backend '" + name + "': expected one of auto, "
                + String.join(", ", names()) + " (cuda:N picks a device)");
    }

    /**
     * The first of {@link #names()} that opens, an OpenCL device only when it is a GPU (OpenCL on the CPU, e.g.
     * PoCL, is slower there than the cpu backend). {@code skipped} receives one reason per backend passed over.
     */
    public static Backend openAuto(List<String> skipped) {
        for (String candidate : names()) {
            Backend b;
            try {
                b = open(candidate);
            } catch (BackendUnavailableException e) {
                if (candidate.equals("cpu")) {
                    throw e;
                }
                skipped.add(e.getMessage());
                continue;
            }
            if (b instanceof ClBackend && !((ClBackend) b).device().gpu()) {
                skipped.add("opencl: " + ((ClBackend) b).device().name() + " is not a GPU (the cpu backend is faster"
                        + " there; --backend opencl uses it anyway)");
                b.close();
                continue;
            }
            return b;
        }
        throw new BackendUnavailableException("no backend could be opened");
    }

    private static int index(String n) {
        String tail = n.substring(n.indexOf(':') + 1);
        try {
            return Integer.parseInt(tail);
        } catch (NumberFormatException e) {
            throw new BackendUnavailableException("backend '" + n + "': expected a device index after ':', found '"
                    + tail + "'");
        }
    }

    /** Why JCuda's native layer failed to load in this process (it cannot be retried); null until it fails. */
    private static volatile String cudaLinkFailure;
    /** Why JCublas2 failed to load in this process; null until it fails. */
    private static volatile String cublasLinkFailure;

    /** Unit roundoff of fp32 (23 mantissa bits): GEMM inputs are used as they are. */
    public static final double FP32_ROUNDING = 0x1p-24;
    /** Unit roundoff of TF32 (10 mantissa bits), the tensor-core input format of "+tf32" and "+cublas-tf32". */
    public static final double TF32_ROUNDING = 0x1p-11;
    /** Unit roundoff of bf16 (7 stored mantissa bits, 8 significant), the input format of "+cublas-bf16". */
    public static final double BF16_ROUNDING = 0x1p-8;

    /**
     * How coarsely the backend {@code name} (as {@link #open} takes it) may round the inputs of its fp32 GEMMs, as a
     * unit roundoff u (each input a becomes a (1 + d) with |d| <= u): {@link #TF32_ROUNDING} for a cuda name with
     * "+tf32" or "+cublas-tf32", {@link #BF16_ROUNDING} for "+cublas-bf16", else {@link #FP32_ROUNDING} (exact fp32
     * GEMMs; every non-cuda backend). fp64 GEMMs are exact on every backend. Parity tests and benchmarks scale their
     * fp32 tolerances with it; a provider name that does not parse throws {@link BackendUnavailableException}.
     */
    public static double gemmInputRounding(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        int plus = n.indexOf('+');
        if (plus < 0 || !n.startsWith("cuda")) {
            return FP32_ROUNDING;
        }
        switch (gemm(n.substring(plus + 1))) {
            case TF32:
            case CUBLAS_TF32:
                return TF32_ROUNDING;
            case CUBLAS_BF16:
                return BF16_ROUNDING;
            default:
                return FP32_ROUNDING;
        }
    }

    /** The GEMM provider after the "+" of a cuda name. */
    static CudaBackend.Gemm gemm(String provider) {
        switch (provider) {
            case "native":
                return CudaBackend.Gemm.NATIVE;
            case "cublas":
                return CudaBackend.Gemm.CUBLAS;
            case "cublas-tf32":
                return CudaBackend.Gemm.CUBLAS_TF32;
            case "cublas-bf16":
                return CudaBackend.Gemm.CUBLAS_BF16;
            case "tf32":
                return CudaBackend.Gemm.TF32;
            default:
                throw new BackendUnavailableException("cuda GEMM provider: expected native, cublas, cublas-tf32,"
                        + " cublas-bf16 or tf32, found '" + provider + "'");
        }
    }

    private static Backend openCuda(int ordinal, CudaBackend.Gemm gemm) {
        boolean cublas = gemm.cublas();
        if (cudaLinkFailure != null) {
            throw new BackendUnavailableException(cudaLinkFailure);
        }
        if (cublas && cublasLinkFailure != null) {
            throw new BackendUnavailableException(cublasLinkFailure);
        }
        try {
            return CudaBackend.open(ordinal, gemm);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (cublas && (m.contains("cublas") || m.contains("JCublas"))) {
                cublasLinkFailure = "cuBLAS unavailable: neither libcublas.so.13 nor libcublas.so.12 was found by the"
                        + " dynamic loader (install cuBLAS or add its folder to LD_LIBRARY_PATH); --gemm native runs"
                        + " the engine's own kernels";
                throw new BackendUnavailableException(cublasLinkFailure, e);
            }
            cudaLinkFailure = m.contains("libcuda.so")
                    ? "cuda: libcuda.so.1 not found (no NVIDIA driver on this machine)"
                    : "cuda: JCuda's JNI library could not be loaded: " + firstLine(m);
            throw new BackendUnavailableException(cudaLinkFailure, e);
        } catch (CudaException e) {
            throw new BackendUnavailableException("cuda: the driver refused: " + firstLine(e.getMessage()), e);
        }
    }

    /** Why JOCL's native layer failed to load in this process; null until it fails. */
    private static volatile String openclLinkFailure;

    private static Backend openOpencl(int index) {
        if (openclLinkFailure != null) {
            throw new BackendUnavailableException(openclLinkFailure);
        }
        try {
            return ClBackend.open(index);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            openclLinkFailure = m.contains("libOpenCL")
                    ? "opencl: libOpenCL.so.1 not found (no OpenCL ICD loader; apt-get install ocl-icd-libopencl1 and"
                            + " a driver such as pocl-opencl-icd)"
                    : "opencl: JOCL's JNI library could not be loaded: " + firstLine(m);
            throw new BackendUnavailableException(openclLinkFailure, e);
        } catch (CLException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("CL_PLATFORM_NOT_FOUND_KHR") || m.contains("-1001")) {
                throw new BackendUnavailableException("opencl: no OpenCL platform (the ICD loader found no driver;"
                        + " install one, e.g. pocl-opencl-icd)", e);
            }
            throw new BackendUnavailableException("opencl: the driver refused: " + firstLine(m), e);
        }
    }

    /** One line per OpenCL device, or the reason there is none. */
    private static List<Probe> openclDevices() {
        List<Probe> out = new ArrayList<>();
        try {
            for (ClBackend.Device d : ClBackend.devices()) {
                out.add(new Probe("opencl:" + d.index(), true, d.describe()));
            }
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | CLException e) {
            return out;                                     // open("opencl") below says why in one line
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
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

    /** Opens and closes every backend once: a description per available backend, a reason per missing one. */
    public static List<Probe> probe() {
        List<Probe> out = new ArrayList<>();
        for (String name : List.of("cpu", "cuda", "cuda+cublas", "opencl")) {
            try (Backend b = open(name)) {
                out.add(new Probe(name, true, b.describe()));
            } catch (BackendUnavailableException e) {
                out.add(new Probe(name, false, e.getMessage()));
            }
        }
        out.addAll(openclDevices());
        return out;
    }
}
