package org.goldstone.backend.opencl;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LanczosOps;

/**
 * Launches the {@code lanczos} kernels (kernels/opencl/lanczos.cl: project, combine, update; fp64 program only).
 * Twin: {@code CpuLanczos}.
 */
final class ClLanczos implements LanczosOps {
    private static final int THREADS = 256;
    private final ClBackend be;

    ClLanczos(ClBackend be) {
        this.be = be;
    }

    @Override
    public double orthogonalizePass(DeviceBuffer q, int p, int count, DeviceBuffer w, DeviceBuffer c) {
        LanczosOps.requireShapes(q, p, count, w, c);
        if (p == 0) {
            return 0.0;
        }
        DeviceBuffer partials = be.partials();
        // partials hold gx per column: split the columns into chunks that fit ClBackend.MAX_PARTIALS
        int gx = Math.max(1, Math.min(be.reductionGroups(p, THREADS), ClBackend.MAX_PARTIALS / Math.max(1, count)));
        int chunk = Math.max(1, ClBackend.MAX_PARTIALS / gx);
        for (int k0 = 0; k0 < count; k0 += chunk) {
            int columns = Math.min(chunk, count - k0);
            be.kernel("lanczos_project_f64")
                    .buf(q)                                // const double* q, int qo
                    .buf(w)                                // const double* w, int wo
                    .buf(partials)                         // double* partials, int po
                    .i(p)                                  // int p
                    .i(k0)                                 // int k0: first column of this chunk
                    .groups2(gx, columns, THREADS, 1)
                    .run();
            be.kernel("lanczos_combine_f64")
                    .buf(partials)                         // const double* partials, int po
                    .buf(c)                                // double* c, int co
                    .i(gx)                                 // int gx
                    .i(k0)                                 // int k0
                    .i(columns)                            // int columns
                    .over(columns, THREADS)
                    .run();
        }
        int groups = be.reductionGroups(p, THREADS);
        be.kernel("lanczos_update_f64")
                .buf(q)                                    // const double* q, int qo
                .buf(c)                                    // const double* c, int co
                .buf(w)                                    // double* w, int wo
                .buf(partials)                             // double* partials, int po
                .i(p)                                      // int p
                .i(count)                                  // int count
                .groups(groups, THREADS)
                .run();
        return be.sumPartials(groups);
    }
}
