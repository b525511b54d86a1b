package org.goldstone.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.goldstone.backend.Backend;
import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CUDA backend's own contract: description, pooled reuse, out-of-memory and bad-launch errors, views. */
@Tag("cuda")
class CudaBackendTest {
    private static CudaBackend cuda() {
        return (CudaBackend) Parity.backend("cuda");
    }

    @Test
    void describesTheDevice() {
        String d = cuda().describe();
        assertTrue(d.startsWith("cuda:0 ") && d.contains("GiB") && d.contains("compute ") && d.contains("SMs"), d);
    }

    @Test
    void outOfMemoryFlushesThePoolRetriesOnceAndNamesTheSizes() {
        CudaBackend be = cuda();
        List<DeviceBuffer> held = new ArrayList<>();
        int chunk = Integer.MAX_VALUE / 2;                    // 8 GiB of fp64 per buffer
        long budget = be.totalMemory() / (8L * chunk) + 2;    // more than the device holds
        BackendException e = assertThrows(BackendException.class, () -> {
            for (long i = 0; i < budget; i++) {
                held.add(be.allocate(DType.F64, chunk));
            }
        });
        assertTrue(e.getMessage().startsWith("cuda: out of device memory allocating 8192.0 MiB"), e.getMessage());
        assertTrue(e.getMessage().contains("retried once"), e.getMessage());
        held.clear();
        // after the failure the backend still works, and the released blocks are reused
        DeviceBuffer x = be.allocate(DType.F64, 1000);
        be.reduce().fill(x, 1.5);
        assertEquals(1000 * 2.25, be.reduce().dot(x, x), 1e-9);
    }

    @Test
    void aKernelMissingFromTheImageIsNamed() {
        CudaBackend be = cuda();
        BackendException e = assertThrows(BackendException.class, () -> be.kernel("no_such_kernel_f32").run());
        assertTrue(e.getMessage().contains("no_such_kernel_f32") && e.getMessage().contains("make -C native"),
                e.getMessage());
    }

    @Test
    void slicesShareMemoryAndForeignBuffersAreRejected() {
        CudaBackend be = cuda();
        DeviceBuffer x = be.allocate(DType.F32, 10);
        be.reduce().fill(x.slice(3, 4), 2.0);
        double[] back = Parity.download(be, x);
        for (int i = 0; i < 10; i++) {
            assertEquals(i >= 3 && i < 7 ? 2.0 : 0.0, back[i], "element " + i);
        }
        Backend cpu = Parity.cpu();
        BackendException e = assertThrows(BackendException.class,
                () -> be.reduce().fill(cpu.allocate(DType.F32, 3), 1.0));
        assertTrue(e.getMessage().startsWith("cuda backend: expected a buffer allocated by it"), e.getMessage());
    }
}
