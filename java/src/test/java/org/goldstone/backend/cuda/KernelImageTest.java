package org.goldstone.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kernel name the tensor-core GEMM can launch is in the image the jar ships, without a GPU: the mma kernels
 * and their fused instances as {@code TensorCoreGemm.Plan.fused} names them (the forward's {@code act} on W as given,
 * {@code jac} on W or W^T, {@code jacr} on W^T), the wgmma kernels in the sm_90a cubin, and the helpers. A renamed
 * kernel or a misspelt epilogue would otherwise surface only on a GPU, as a launch of a missing function.
 */
class KernelImageTest {
    private static String image(String resource) throws IOException {
        try (InputStream in = KernelImageTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertTrue(in != null, resource + " is not on the class path");
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static TensorCoreGemm.Plan plan(String kernel) {
        return new TensorCoreGemm.Plan(kernel, null, 0, 1, 1, 32, 1);
    }

    @Test
    void everyKernelTheTensorCoreGemmLaunchesIsInTheImage() throws IOException {
        String fatbin = image(CudaModule.RESOURCE);
        String hopper = image(CudaModule.HOPPER_RESOURCE);
        List<String> main = new ArrayList<>(List.of("tc_gemm_tf32", "tc_gemm_reduce", "tc_gemm_transpose",
                "equiv_linear_u1_block_f32", "equiv_linear_u1_block_f64", "equiv_linear_u1_fold_f32",
                "equiv_linear_u1_fold_f64"));
        for (String layout : new String[] {"mk", "mn", "kk", "kn"}) {
            main.add("tc_gemm_tf32_mma_" + layout);
        }
        main.add(plan("tc_gemm_tf32_mma_mk").fused("act"));
        main.add(plan("tc_gemm_tf32_mma_mk").fused("jac"));
        main.add(plan("tc_gemm_tf32_mma_kk").fused("jac"));
        main.add(plan("tc_gemm_tf32_mma_kk").fused("jacr"));
        for (String name : main) {
            assertTrue(fatbin.contains(name + "\0"), name + " is not in " + CudaModule.RESOURCE);
        }
        List<String> sm90a = new ArrayList<>(List.of(CudaModule.HOPPER_PREFIX));
        for (String epi : new String[] {"act", "jac", "jacr"}) {
            sm90a.add(plan(CudaModule.HOPPER_PREFIX).fused(epi));
        }
        for (String name : sm90a) {
            assertTrue(hopper.contains(name + "\0"), name + " is not in " + CudaModule.HOPPER_RESOURCE);
            assertTrue(name.startsWith(CudaModule.HOPPER_PREFIX), name + " would be looked up in the main module");
        }
    }
}
