package org.goldstone.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.goldstone.backend.cuda.CudaBackend;
import org.junit.jupiter.api.Test;

/** Backend names: the GEMM providers after "+" and how each rounds fp32 GEMM inputs. Needs no device. */
class BackendsTest {
    @Test
    void everyGemmProviderParses() {
        assertEquals(CudaBackend.Gemm.NATIVE, Backends.gemm("native"));
        assertEquals(CudaBackend.Gemm.CUBLAS, Backends.gemm("cublas"));
        assertEquals(CudaBackend.Gemm.CUBLAS_TF32, Backends.gemm("cublas-tf32"));
        assertEquals(CudaBackend.Gemm.CUBLAS_BF16, Backends.gemm("cublas-bf16"));
        assertEquals(CudaBackend.Gemm.TF32, Backends.gemm("tf32"));
        assertTrue(CudaBackend.Gemm.CUBLAS.cublas() && CudaBackend.Gemm.CUBLAS_TF32.cublas()
                && CudaBackend.Gemm.CUBLAS_BF16.cublas(), "the three cuBLAS providers need JCublas2");
        assertFalse(CudaBackend.Gemm.NATIVE.cublas() || CudaBackend.Gemm.TF32.cublas(), "the engine's own kernels");
    }

    @Test
    void anUnknownProviderNamesEveryChoice() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.gemm("bf16"));
        assertEquals("cuda GEMM provider: expected native, cublas, cublas-tf32, cublas-bf16 or tf32, found 'bf16'",
                e.getMessage());
        assertThrows(BackendUnavailableException.class, () -> Backends.gemmInputRounding("cuda+fp8"));
    }

    @Test
    void gemmInputRoundingIsTheUnitRoundoffOfTheInputFormat() {
        for (String name : new String[] {"cpu", "opencl", "opencl:1", "cuda", "cuda:1", "cuda+native", "cuda+cublas"}) {
            assertEquals(0x1p-24, Backends.gemmInputRounding(name), name);
        }
        for (String name : new String[] {"cuda+tf32", "cuda:0+tf32", "cuda+cublas-tf32", " CUDA+CUBLAS-TF32 "}) {
            assertEquals(0x1p-11, Backends.gemmInputRounding(name), name);
        }
        for (String name : new String[] {"cuda+cublas-bf16", "cuda:1+cublas-bf16", "Cuda+Cublas-BF16"}) {
            assertEquals(0x1p-8, Backends.gemmInputRounding(name), name);
        }
        // the parity tests scale the TF32 tolerances by u / 2^-11: exactly 1 for TF32, exactly 8 for bf16
        assertEquals(1.0, Backends.TF32_ROUNDING / Backends.TF32_ROUNDING);
        assertEquals(8.0, Backends.BF16_ROUNDING / Backends.TF32_ROUNDING);
    }
}
