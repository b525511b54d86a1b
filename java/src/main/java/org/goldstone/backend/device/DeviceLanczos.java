package org.goldstone.backend.device;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LanczosOps;

/**
 * Launches the {@code lanczos} kernels ({@code lanczos.cu}, {@code lanczos.cl}, fp64 only: project, combine, update).
 * Twin: {@code CpuLanczos}.
 */
public final class DeviceLanczos implements LanczosOps {
    private static final int THREADS = 256;
    private final Kernels be;

    public DeviceLanczos(Kernels be) {
        this.be = be;
    }

    @Override
    public double orthogonalizePass(DeviceBuffer q, int p, int count, DeviceBuffer w, DeviceBuffer c) {
        LanczosOps.requireShapes(q, p, count, w, c);
        if (p == 0) {
            return 0.0;
        }
        DeviceBuffer partials = be.partials();
        // partials hold gx per column: split the columns into chunks that fit the partials buffer
        int gx = Math.max(1, Math.min(be.reductionBlocks(p, THREADS), be.maxPartials() / Math.max(1, count)));
        int chunk = Math.max(1, be.maxPartials() / gx);
        for (int k0 = 0; k0 < count; k0 += chunk) {
            int columns = Math.min(chunk, count - k0);
            be.kernel("lanczos_project_f64")
                    .buf(q)                                // const double* q
                    .buf(w)                                // const double* w
                    .buf(partials)                         // double* partials
                    .i(p)                                  // int p
                    .i(k0)                                 // int k0: first column of this chunk
                    .blocks2(gx, columns, THREADS)
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
                .blocks(blocks, THREADS)
                .run();
        return be.sumPartials(blocks);
    }
}
