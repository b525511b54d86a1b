package org.goldstone.backend.device;

import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * A {@link GemmProvider} built on one real GEMM: the complex U(1) passes are four real GEMMs each on the planar
 * weights (real block, then imaginary block, m x n each) and the k = 2 unit layout of activations (per sample: the
 * real parts, then the imaginary parts; leading dimension 2 x rows, imaginary rows offset by rows). All column-major,
 * as cuBLAS and the engine's GEMM kernels are.
 */
public abstract class RealGemmProvider implements GemmProvider {
    /** Y = W Z + beta Y: Yr = Wr Zr - Wi Zi, Yi = Wr Zi + Wi Zr. */
    @Override
    public void complexForward(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta,
                               DeviceBuffer y) {
        long mn = (long) m * n;
        gemm(dt, false, false, m, batch, n, 1, w, 0, m, z, 0, 2 * n, beta, y, 0, 2 * m);
        gemm(dt, false, false, m, batch, n, -1, w, mn, m, z, n, 2 * n, 1, y, 0, 2 * m);
        gemm(dt, false, false, m, batch, n, 1, w, 0, m, z, n, 2 * n, beta, y, m, 2 * m);
        gemm(dt, false, false, m, batch, n, 1, w, mn, m, z, 0, 2 * n, 1, y, m, 2 * m);
    }

    /** G_Z = W^H G_Y + beta G_Z: Re = Wr^T Gr + Wi^T Gi, Im = Wr^T Gi - Wi^T Gr. */
    @Override
    public void complexBackwardData(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer gy, double beta,
                                    DeviceBuffer gz) {
        long mn = (long) m * n;
        gemm(dt, true, false, n, batch, m, 1, w, 0, m, gy, 0, 2 * m, beta, gz, 0, 2 * n);
        gemm(dt, true, false, n, batch, m, 1, w, mn, m, gy, m, 2 * m, 1, gz, 0, 2 * n);
        gemm(dt, true, false, n, batch, m, 1, w, 0, m, gy, m, 2 * m, beta, gz, n, 2 * n);
        gemm(dt, true, false, n, batch, m, -1, w, mn, m, gy, 0, 2 * m, 1, gz, n, 2 * n);
    }

    /** G_W = G_Y Z^H + beta G_W: Re = Gr Zr^T + Gi Zi^T, Im = Gi Zr^T - Gr Zi^T (planar). */
    @Override
    public void complexBackwardWeight(DType dt, int m, int n, int batch, DeviceBuffer gy, DeviceBuffer z,
                                      double beta, DeviceBuffer gw) {
        long mn = (long) m * n;
        gemm(dt, false, true, m, n, batch, 1, gy, 0, 2 * m, z, 0, 2 * n, beta, gw, 0, m);
        gemm(dt, false, true, m, n, batch, 1, gy, m, 2 * m, z, n, 2 * n, 1, gw, 0, m);
        gemm(dt, false, true, m, n, batch, 1, gy, m, 2 * m, z, 0, 2 * n, beta, gw, mn, m);
        gemm(dt, false, true, m, n, batch, -1, gy, 0, 2 * m, z, n, 2 * n, 1, gw, mn, m);
    }
}
