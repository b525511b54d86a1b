package org.goldstone.backend.device;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.layer.Radial;
import org.goldstone.tensor.DType;

/**
 * A {@link GemmProvider} built on one real GEMM. The complex U(1) passes take W planar (real block, then imaginary
 * block, m x n each) and activations in the k = 2 unit layout (per sample: the real parts, then the imaginary parts;
 * leading dimension 2 x rows, imaginary rows offset by rows), all column-major as cuBLAS and the engine's GEMM
 * kernels are. Two forms ({@code -Dgoldstone.u1.gemm=block|four}):
 * <ul>
 *   <li>{@code block} (default): one real GEMM per pass on the 2m x 2n block weight Wb = [[Wr, -Wi], [Wi, Wr]]
 *       ({@code equiv_linear_u1_block}, built per call into a scratch buffer of this provider):
 *       Y = Wb Z and G_Z = Wb^T G_Y on the activations as they are (a sample's column [Re; Im] is 2 x channels
 *       rows), and the weight gradient as Gb = G_Y Z^T folded into the planar G_W ({@code equiv_linear_u1_fold}).
 *       One GEMM of twice the extent in both dimensions instead of four quarter-size ones: the same flops in a
 *       quarter of the launches, which is what a launch-bound width-256 U(1) step needs.</li>
 *   <li>{@code four}: four real GEMMs per pass on the planar blocks (no scratch, no extra kernels); the form every
 *       GPU measurement before 2026-11-26's block form used.</li>
 * </ul>
 */
public abstract class RealGemmProvider implements GemmProvider {
    /** How the complex passes map onto real GEMMs. */
    public enum ComplexForm {
        BLOCK, FOUR;

        /** The form named by {@code -Dgoldstone.u1.gemm} (block or four; block when unset). */
        public static ComplexForm configured() {
            String v = System.getProperty("goldstone.u1.gemm", "block");
            try {
                return valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-Dgoldstone.u1.gemm: expected block or four, found " + v);
            }
        }
    }

    private static final int THREADS = 256;
    /** {@link #blockWeight(DType, int, int, DeviceBuffer, int)}'s orders (equiv_linear_u1_block). */
    protected static final int BLOCK = 0, ROWS_INTERLEAVED = 1, COLUMNS_INTERLEAVED = 2;
    private final Kernels kernels;
    private final ComplexForm form;
    /** Per dtype: the block weight (4mn) and the block weight gradient (4mn), grown when a call needs more. */
    private final Map<DType, DeviceBuffer> blockWeight = new EnumMap<>(DType.class);
    private final Map<DType, DeviceBuffer> blockGradient = new EnumMap<>(DType.class);

    /** A provider launching the block form's kernels through {@code kernels}, in the configured form. */
    protected RealGemmProvider(Kernels kernels) {
        this(kernels, ComplexForm.configured());
    }

    protected RealGemmProvider(Kernels kernels, ComplexForm form) {
        this.kernels = kernels;
        this.form = form;
    }

    /** The form the complex passes take. */
    public ComplexForm complexForm() {
        return form;
    }

    /** Y = W Z + beta Y: Yr = Wr Zr - Wi Zi, Yi = Wr Zi + Wi Zr. */
    @Override
    public void complexForward(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer z, double beta,
                               DeviceBuffer y) {
        if (form == ComplexForm.BLOCK) {
            DeviceBuffer wb = blockWeight(dt, m, n, w);
            gemm(dt, false, false, 2 * m, batch, 2 * n, 1, wb, 0, 2 * m, z, 0, 2 * n, beta, y, 0, 2 * m);
            return;
        }
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
        if (form == ComplexForm.BLOCK) {
            DeviceBuffer wb = blockWeight(dt, m, n, w);
            gemm(dt, true, false, 2 * n, batch, 2 * m, 1, wb, 0, 2 * m, gy, 0, 2 * m, beta, gz, 0, 2 * n);
            return;
        }
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
        if (form == ComplexForm.BLOCK) {
            DeviceBuffer gb = scratch(blockGradient, dt, 4L * m * n);
            gemm(dt, false, true, 2 * m, 2 * n, batch, 1, gy, 0, 2 * m, z, 0, 2 * n, 0, gb, 0, 2 * m);
            kernels.kernel("equiv_linear_u1_fold", dt)
                    .buf(gb)                           // const T* gb (pointer, offset)
                    .buf(gw)                           // T* gw
                    .i(m)                              // int m
                    .i(n)                              // int n
                    .d(beta)                           // acc_t beta
                    .over((long) m * n, THREADS)
                    .run();
            return;
        }
        long mn = (long) m * n;
        gemm(dt, false, true, m, n, batch, 1, gy, 0, 2 * m, z, 0, 2 * n, beta, gw, 0, m);
        gemm(dt, false, true, m, n, batch, 1, gy, m, 2 * m, z, n, 2 * n, 1, gw, 0, m);
        gemm(dt, false, true, m, n, batch, 1, gy, m, 2 * m, z, 0, 2 * n, beta, gw, mn, m);
        gemm(dt, false, true, m, n, batch, -1, gy, 0, 2 * m, z, n, 2 * n, 1, gw, mn, m);
    }

    /**
     * The U(1) layer's forward with its nonlinearity fused: Y = Wb Z on the row-interleaved block weight, whose
     * rows put each channel's Re and Im next to each other, through this provider's {@link #gemmNormAct} with
     * {@link #ROW_PAIRS} units. Only in the block form, where the provider fuses at all.
     */
    @Override
    public boolean complexForwardNormAct(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer z,
                                         DeviceBuffer y, DeviceBuffer out, Radial radial) {
        if (form != ComplexForm.BLOCK || !fusesEpilogues(dt, false)) {
            return false;
        }
        DeviceBuffer wp = blockWeight(dt, m, n, w, ROWS_INTERLEAVED);
        return gemmNormAct(dt, 2 * m, batch, 2 * n, wp, z, y, out, radial, ROW_PAIRS);
    }

    /**
     * The Jacobian epilogue on a U(1) pass: W^H B (the data gradient: the column-interleaved block weight,
     * transposed) or W B (the forward R-pass: row-interleaved), plus beta C, through {@link #gemmNormActJacobian}
     * with {@link #ROW_PAIRS} units.
     */
    @Override
    public boolean complexNormActJacobian(DType dt, boolean conjTrans, int m, int n, int batch, DeviceBuffer w,
                                          DeviceBuffer b, double beta, DeviceBuffer c, DeviceBuffer y,
                                          DeviceBuffer out, Radial radial) {
        if (form != ComplexForm.BLOCK || !fusesEpilogues(dt, true)) {
            return false;
        }
        if (conjTrans) {
            DeviceBuffer wq = blockWeight(dt, m, n, w, COLUMNS_INTERLEAVED);
            return gemmNormActJacobian(dt, true, 2 * n, batch, 2 * m, wq, b, beta, c, y, out, radial, ROW_PAIRS);
        }
        DeviceBuffer wp = blockWeight(dt, m, n, w, ROWS_INTERLEAVED);
        return gemmNormActJacobian(dt, false, 2 * m, batch, 2 * n, wp, b, beta, c, y, out, radial, ROW_PAIRS);
    }

    /** The HVP's backward epilogue on a U(1) pass, W^H B + beta C: {@link #gemmNormActBackwardR}, row pairs. */
    @Override
    public boolean complexNormActBackwardR(DType dt, int m, int n, int batch, DeviceBuffer w, DeviceBuffer b,
                                           double beta, DeviceBuffer c, DeviceBuffer y, DeviceBuffer ry,
                                           DeviceBuffer g, Radial radial) {
        if (form != ComplexForm.BLOCK || !fusesEpilogues(dt, true)) {
            return false;
        }
        DeviceBuffer wq = blockWeight(dt, m, n, w, COLUMNS_INTERLEAVED);
        return gemmNormActBackwardR(dt, true, 2 * n, batch, 2 * m, wq, b, beta, c, y, ry, g, radial, ROW_PAIRS);
    }

    /** Wb = [[Wr, -Wi], [Wi, Wr]] (2m x 2n, ld 2m) from the planar W, in this provider's scratch. */
    private DeviceBuffer blockWeight(DType dt, int m, int n, DeviceBuffer w) {
        return blockWeight(dt, m, n, w, BLOCK);
    }

    /**
     * The block weight in {@code order}: {@link #BLOCK}, or with its rows ({@link #ROWS_INTERLEAVED}: row 2i + a
     * holds Wb's row a m + i) or columns ({@link #COLUMNS_INTERLEAVED}: column 2p + a holds Wb's column a n + p)
     * interleaved, so that a GEMM's result has each channel's Re and Im in adjacent rows
     * ({@link GemmProvider#ROW_PAIRS}); in this provider's scratch, valid until its next complex pass.
     */
    protected DeviceBuffer blockWeight(DType dt, int m, int n, DeviceBuffer w, int order) {
        DeviceBuffer wb = scratch(blockWeight, dt, 4L * m * n);
        kernels.kernel("equiv_linear_u1_block", dt)
                .buf(w)                                // const T* w (pointer, offset)
                .buf(wb)                               // T* wb
                .i(m)                                  // int m
                .i(n)                                  // int n
                .i(order)                              // int order
                .over((long) m * n, THREADS)
                .run();
        return wb;
    }

    /** The first {@code elements} of the scratch buffer of {@code dt} in {@code pool}, grown when too short. */
    private DeviceBuffer scratch(Map<DType, DeviceBuffer> pool, DType dt, long elements) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("U(1) block GEMM: a 2m x 2n block of " + elements
                    + " elements exceeds a buffer's 2^31 - 1");
        }
        DeviceBuffer b = pool.get(dt);
        if (b == null || b.length() < elements) {
            b = kernels.backend().allocate(dt, (int) elements);
            pool.put(dt, b);
        }
        return b.length() == elements ? b : b.slice(0, (int) elements);
    }
}
