package org.goldstone.backend.cpu;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LanczosOps;

/** Reference for {@link LanczosOps}: plain loops in double, coefficients first, then the update. */
final class CpuLanczos implements LanczosOps {
    @Override
    public double orthogonalizePass(DeviceBuffer basisBuf, int p, int count, DeviceBuffer wBuf, DeviceBuffer cBuf) {
        CpuBuffer q = CpuBuffer.of(basisBuf), w = CpuBuffer.of(wBuf), c = CpuBuffer.of(cBuf);
        LanczosOps.requireShapes(q, p, count, w, c);
        for (int k = 0; k < count; k++) {
            double s = 0;
            for (int i = 0; i < p; i++) {
                s += q.get(k * p + i) * w.get(i);
            }
            c.set(k, s);
        }
        double sq = 0;
        for (int i = 0; i < p; i++) {
            double v = w.get(i);
            for (int k = 0; k < count; k++) {
                v -= q.get(k * p + i) * c.get(k);
            }
            w.set(i, v);
            sq += v * v;
        }
        return sq;
    }
}
