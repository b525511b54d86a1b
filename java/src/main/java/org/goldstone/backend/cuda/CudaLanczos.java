package org.goldstone.backend.cuda;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LanczosOps;

/** Launches the {@code lanczos} kernels (project, combine, update). Twin: {@code CpuLanczos}. */
final class CudaLanczos implements LanczosOps {
    private static final int THREADS = 256;
    private final CudaBackend be;

    CudaLanczos(CudaBackend be) {
        this.be = be;
    }

    @Override
    public double orthogonalizePass(DeviceBuffer q, int p, int count, DeviceBuffer w, DeviceBuffer c) {
        LanczosOps.requireShapes(q, p, count, w, c);
        if (p == 0) {
            return 0.0;
        }
        DeviceBuffer partials = be.partials();
        // partials hold gx per column: split the columns into chunks that fit CudaBackend.MAX_PARTIALS
        int gx = Math.max(1, Math.min(be.reductionBlocks(p, THREADS), CudaBackend.MAX_PARTIALS / Math.max(1, count)));
        int chunk = Math.max(1, CudaBackend.MAX_PARTIALS / gx);
        for (int k0 = 0; k0 < count; k0 += chunk) {
            int columns = Math.min(chunk, count - k0);
            be.kernel("lanczos_project_f64")
                    .buf(q)                                // const double* q
                    .buf(w)                                // const double* w
                    .buf(partials)                         // double* partials
                    .i(p)                                  // int p
                    .i(k0)                                 // int k0: first column of this chunk
                    .grid(gx, columns).block(THREADS)
                    .run();
            be.kernel("lanczos_combine_f64")
                    .buf(partials)                         // const double* partials
                    .buf(c)                                // double* c
                    .i(gx)                                 // int gx
                    .i(k0)                                 // int k0
                    .i(columns)                            // int columns
                    .over(columns, THREADS)
                    .run();
        }
        int blocks = be.reductionBlocks(p, THREADS);
        be.kernel("lanczos_update_f64")
                .buf(q)                                    // const double* q
                .buf(c)                                    // const double* c
                .buf(w)                                    // double* w
                .buf(partials)                             // double* partials
                .i(p)                                      // int p
                .i(count)                                  // int count
                .grid(blocks).block(THREADS)
                .run();
        return be.sumPartials(blocks);
    }
}
