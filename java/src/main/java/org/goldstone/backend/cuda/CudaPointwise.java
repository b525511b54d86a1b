package org.goldstone.backend.cuda;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.layer.Activation;
import org.goldstone.tensor.DType;

/**
 * Launches the {@code pointwise} kernels (kernels/cuda/pointwise.cu); no math here. Twin: {@code CpuPointwise}.
 * The layer-norm backward passes run three kernels: per-column statistics into an fp64 scratch buffer
 * ({@code lnstats}), the parameter gradients as sums over columns ({@code lnparams}, one thread per feature, no
 * atomics), then G_y per column ({@code layernorm}).
 */
final class CudaPointwise implements PointwiseOps {
    private static final int THREADS = 256;
    /** Statistics per column in the scratch buffer: mean, inv, R{mean}, R{inv}. */
    private static final int STATS_PER_COLUMN = 4;

    private final CudaBackend be;
    /** fp64 scratch of the layer-norm backward passes, grown on demand (all work is on one stream). */
    private DeviceBuffer stats;

    CudaPointwise(CudaBackend be) {
        this.be = be;
    }

    @Override
    public void addBiasInPlace(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
        DType dt = dtypeOf("addBiasInPlace", "y, bias", y, bias);
        require("addBiasInPlace", "y", y, (long) rows * cols);
        require("addBiasInPlace", "bias", bias, rows);
        be.kernel("pointwise_bias_fwd", dt)
                .buf(y)                                    // T* y
                .buf(bias)                                 // const T* bias
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .over((long) rows * cols, THREADS)
                .run();
    }

    @Override
    public void sumColumns(DeviceBuffer gy, DeviceBuffer gb, int rows, int cols, double beta) {
        DType dt = dtypeOf("sumColumns", "G_y, G_b", gy, gb);
        require("sumColumns", "G_y", gy, (long) rows * cols);
        require("sumColumns", "G_b", gb, rows);
        be.kernel("pointwise_colsum_fwd", dt)
                .buf(gy)                                   // const T* gy
                .buf(gb)                                   // T* gb
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(beta)                                   // double beta
                .grid(rowTiles(rows)).block(THREADS)
                .run();
    }

    @Override
    public void activationForward(Activation act, DeviceBuffer y, DeviceBuffer z, int elements) {
        DType dt = dtypeOf("activationForward", "y, z", y, z);
        require("activationForward", "y", y, elements);
        require("activationForward", "z", z, elements);
        be.kernel("pointwise_act_fwd", dt)
                .buf(y)                                    // const T* y
                .buf(z)                                    // T* z
                .i(elements)                               // int n
                .i(act.ordinal())                          // int act
                .over(elements, THREADS)
                .run();
    }

    @Override
    public void activationBackward(Activation act, DeviceBuffer y, DeviceBuffer z, DeviceBuffer gz, DeviceBuffer gy,
                                   int elements) {
        DType dt = dtypeOf("activationBackward", "y, z, G_z, G_y", y, z, gz, gy);
        require("activationBackward", "y", y, elements);
        require("activationBackward", "z", z, elements);
        require("activationBackward", "G_z", gz, elements);
        require("activationBackward", "G_y", gy, elements);
        be.kernel("pointwise_act_bwd", dt)
                .buf(y)                                    // const T* y
                .buf(z)                                    // const T* z
                .buf(gz)                                   // const T* gz
                .buf(gy)                                   // T* gy (may alias gz)
                .i(elements)                               // int n
                .i(act.ordinal())                          // int act
                .over(elements, THREADS)
                .run();
    }

    @Override
    public void activationRopBackward(Activation act, DeviceBuffer y, DeviceBuffer z, DeviceBuffer ry,
                                      DeviceBuffer gz, DeviceBuffer rgz, DeviceBuffer rgy, int elements) {
        DType dt = dtypeOf("activationRopBackward", "y, z, R{y}, G_z, R{G_z}, R{G_y}", y, z, ry, gz, rgz, rgy);
        require("activationRopBackward", "y", y, elements);
        require("activationRopBackward", "z", z, elements);
        require("activationRopBackward", "R{y}", ry, elements);
        require("activationRopBackward", "G_z", gz, elements);
        require("activationRopBackward", "R{G_z}", rgz, elements);
        require("activationRopBackward", "R{G_y}", rgy, elements);
        be.kernel("pointwise_act_rop", dt)
                .buf(y)                                    // const T* y
                .buf(z)                                    // const T* z
                .buf(ry)                                   // const T* ry
                .buf(gz)                                   // const T* gz
                .buf(rgz)                                  // const T* rgz
                .buf(rgy)                                  // T* rgy
                .i(elements)                               // int n
                .i(act.ordinal())                          // int act
                .over(elements, THREADS)
                .run();
    }

    @Override
    public void layerNormForward(DeviceBuffer y, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer z,
                                 int rows, int cols, double eps) {
        String op = "layerNormForward";
        DType dt = dtypeOf(op, "y, gamma, beta, z", y, gamma, beta, z);
        require(op, "y", y, (long) rows * cols);
        require(op, "z", z, (long) rows * cols);
        require(op, "gamma", gamma, rows);
        require(op, "beta", beta, rows);
        int block = columnBlock(rows);
        be.kernel("pointwise_layernorm_fwd", dt)
                .buf(y)                                    // const T* y
                .buf(gamma)                                // const T* gamma
                .buf(beta)                                 // const T* beta
                .buf(z)                                    // T* z
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // double eps
                .grid(columnGrid(cols, block)).block(block)
                .run();
    }

    @Override
    public void layerNormBackward(DeviceBuffer y, DeviceBuffer gamma, DeviceBuffer gz, DeviceBuffer gy,
                                  DeviceBuffer ggamma, DeviceBuffer gbeta, int rows, int cols, double eps) {
        String op = "layerNormBackward";
        DType dt = dtypeOf(op, "y, gamma, G_z, G_y, G_gamma, G_beta", y, gamma, gz, gy, ggamma, gbeta);
        require(op, "y", y, (long) rows * cols);
        require(op, "G_z", gz, (long) rows * cols);
        require(op, "G_y", gy, (long) rows * cols);
        require(op, "gamma", gamma, rows);
        require(op, "G_gamma", ggamma, rows);
        require(op, "G_beta", gbeta, rows);
        DeviceBuffer s = stats(cols);
        int block = columnBlock(rows);
        int grid = columnGrid(cols, block);
        be.kernel("pointwise_lnstats_fwd", dt)
                .buf(y)                                    // const T* y
                .buf(y)                                    // const T* ry (not read without R)
                .buf(s)                                    // double* stats
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // double eps
                .i(0)                                      // int withR
                .grid(grid).block(block)
                .run();
        // the parameter sums read G_z before G_y is written
        be.kernel("pointwise_lnparams_bwd", dt)
                .buf(y)                                    // const T* y
                .buf(gz)                                   // const T* gz
                .buf(s)                                    // const double* stats
                .buf(ggamma)                               // T* ggamma
                .buf(gbeta)                                // T* gbeta
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .grid(rowTiles(rows)).block(THREADS)
                .run();
        be.kernel("pointwise_layernorm_bwd", dt)
                .buf(y)                                    // const T* y
                .buf(gamma)                                // const T* gamma
                .buf(gz)                                   // const T* gz
                .buf(s)                                    // const double* stats
                .buf(gy)                                   // T* gy
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .grid(grid).block(block)
                .run();
    }

    @Override
    public void layerNormForwardR(DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gamma, DeviceBuffer vGamma,
                                  DeviceBuffer vBeta, DeviceBuffer rz, int rows, int cols, double eps) {
        String op = "layerNormForwardR";
        DType dt = dtypeOf(op, "y, R{y}, gamma, v_gamma, v_beta, R{z}", y, ry, gamma, vGamma, vBeta, rz);
        require(op, "y", y, (long) rows * cols);
        require(op, "R{y}", ry, (long) rows * cols);
        require(op, "R{z}", rz, (long) rows * cols);
        require(op, "gamma", gamma, rows);
        require(op, "v_gamma", vGamma, rows);
        require(op, "v_beta", vBeta, rows);
        int block = columnBlock(rows);
        be.kernel("pointwise_layernorm_fwdr", dt)
                .buf(y)                                    // const T* y
                .buf(ry)                                   // const T* ry
                .buf(gamma)                                // const T* gamma
                .buf(vGamma)                               // const T* vgamma
                .buf(vBeta)                                // const T* vbeta
                .buf(rz)                                   // T* rz
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // double eps
                .grid(columnGrid(cols, block)).block(block)
                .run();
    }

    @Override
    public void layerNormBackwardR(DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gamma, DeviceBuffer vGamma,
                                   DeviceBuffer gz, DeviceBuffer rgz, DeviceBuffer rgy, DeviceBuffer rgGamma,
                                   DeviceBuffer rgBeta, int rows, int cols, double eps) {
        String op = "layerNormBackwardR";
        DType dt = dtypeOf(op, "y, R{y}, gamma, v_gamma, G_z, R{G_z}, R{G_y}, R{G_gamma}, R{G_beta}",
                y, ry, gamma, vGamma, gz, rgz, rgy, rgGamma, rgBeta);
        require(op, "y", y, (long) rows * cols);
        require(op, "R{y}", ry, (long) rows * cols);
        require(op, "G_z", gz, (long) rows * cols);
        require(op, "R{G_z}", rgz, (long) rows * cols);
        require(op, "R{G_y}", rgy, (long) rows * cols);
        require(op, "gamma", gamma, rows);
        require(op, "v_gamma", vGamma, rows);
        require(op, "R{G_gamma}", rgGamma, rows);
        require(op, "R{G_beta}", rgBeta, rows);
        DeviceBuffer s = stats(cols);
        int block = columnBlock(rows);
        int grid = columnGrid(cols, block);
        be.kernel("pointwise_lnstats_fwd", dt)
                .buf(y)                                    // const T* y
                .buf(ry)                                   // const T* ry
                .buf(s)                                    // double* stats
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // double eps
                .i(1)                                      // int withR
                .grid(grid).block(block)
                .run();
        // the parameter sums read G_z and R{G_z} before R{G_y} is written
        be.kernel("pointwise_lnparams_bwdr", dt)
                .buf(y)                                    // const T* y
                .buf(ry)                                   // const T* ry
                .buf(gz)                                   // const T* gz
                .buf(rgz)                                  // const T* rgz
                .buf(s)                                    // const double* stats
                .buf(rgGamma)                              // T* rggamma
                .buf(rgBeta)                               // T* rgbeta
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .grid(rowTiles(rows)).block(THREADS)
                .run();
        be.kernel("pointwise_layernorm_bwdr", dt)
                .buf(y)                                    // const T* y
                .buf(ry)                                   // const T* ry
                .buf(gamma)                                // const T* gamma
                .buf(vGamma)                               // const T* vgamma
                .buf(gz)                                   // const T* gz
                .buf(rgz)                                  // const T* rgz
                .buf(s)                                    // const double* stats
                .buf(rgy)                                  // T* rgy
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .grid(grid).block(block)
                .run();
    }

    /** The stats scratch for {@code cols} columns (planar: stats[k * cols + c]); reallocated only to grow. */
    private DeviceBuffer stats(int cols) {
        int need = Math.max(1, STATS_PER_COLUMN * cols);
        if (stats == null || stats.length() < need) {
            stats = be.allocate(DType.F64, need);
        }
        return stats;
    }

    /** Threads per column for the one-block-per-column kernels: a multiple of 32 covering the rows, at most 256. */
    private static int columnBlock(int rows) {
        int warps = (Math.max(rows, 1) + 31) / 32;
        return Math.min(THREADS, warps * 32);
    }

    /** One block per column, capped (the kernels loop over columns with the grid stride). */
    private int columnGrid(int cols, int block) {
        return be.blocksFor((long) Math.max(cols, 1) * block, block);
    }

    /** Blocks of 32 rows for the column-sum kernels (8 warps share each tile's columns). */
    private int rowTiles(int rows) {
        return be.blocksFor(Math.max(rows, 1), 32);
    }

    /** The common dtype of {@code buffers} (named in order by {@code names}), or one message naming the odd one. */
    private DType dtypeOf(String op, String names, DeviceBuffer... buffers) {
        DType dt = CudaBuffer.of(buffers[0], be).dtype();
        for (int k = 1; k < buffers.length; k++) {
            if (CudaBuffer.of(buffers[k], be).dtype() != dt) {
                String[] name = names.split(", ");
                throw new BackendException("pointwise." + op + ": expected every buffer in " + dt + " (the dtype of "
                        + name[0] + "), found " + name[k] + " in " + buffers[k].dtype());
            }
        }
        return dt;
    }

    private static void require(String op, String what, DeviceBuffer buf, long expected) {
        if (buf.length() != expected) {
            throw new BackendException("pointwise." + op + ": expected " + what + " with " + expected
                    + " elements, found " + buf.length());
        }
    }
}
