package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.layer.Activation;
import org.goldstone.tensor.DType;

/**
 * Launches the {@code pointwise} kernels ({@code pointwise.cu}, {@code pointwise.cl}); no math here. Twin: {@code CpuPointwise}.
 * Blocks (work-groups) of 256 throughout. The layer-norm backward passes run three kernels: per-column statistics into an
 * acc_t scratch buffer ({@code lnstats}; F64 where the device has fp64, else F32), the parameter gradients as sums
 * over columns ({@code lnparams}, one work-item per feature, no atomics), then G_y per column ({@code layernorm}).
 */
public final class DevicePointwise implements PointwiseOps {
    private static final int THREADS = 256;
    /** Statistics per column in the scratch buffer: mean, inv, R{mean}, R{inv}. */
    private static final int STATS_PER_COLUMN = 4;

    private final Kernels be;
    /** acc_t scratch of the layer-norm backward passes, grown on demand (all work is on one in-order queue). */
    private DeviceBuffer stats;

    public DevicePointwise(Kernels be) {
        this.be = be;
    }

    @Override
    public void addBiasInPlace(DeviceBuffer y, DeviceBuffer bias, int rows, int cols) {
        DType dt = dtypeOf("addBiasInPlace", "y, bias", y, bias);
        require("addBiasInPlace", "y", y, (long) rows * cols);
        require("addBiasInPlace", "bias", bias, rows);
        be.kernel("pointwise_bias_fwd", dt)
                .buf(y)                                    // real_t* y, int y_off
                .buf(bias)                                 // const real_t* bias, int bias_off
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
                .buf(gy)                                   // const real_t* gy, int gy_off
                .buf(gb)                                   // real_t* gb, int gb_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(beta)                                   // acc_t beta
                .blocks(rowTiles(rows), THREADS)
                .run();
    }

    @Override
    public void activationForward(Activation act, DeviceBuffer y, DeviceBuffer z, int elements) {
        DType dt = dtypeOf("activationForward", "y, z", y, z);
        require("activationForward", "y", y, elements);
        require("activationForward", "z", z, elements);
        be.kernel("pointwise_act_fwd", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(z)                                    // real_t* z, int z_off
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
                .buf(y)                                    // const real_t* y, int y_off
                .buf(z)                                    // const real_t* z, int z_off
                .buf(gz)                                   // const real_t* gz, int gz_off
                .buf(gy)                                   // real_t* gy, int gy_off (may alias gz)
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
                .buf(y)                                    // const real_t* y, int y_off
                .buf(z)                                    // const real_t* z, int z_off
                .buf(ry)                                   // const real_t* ry, int ry_off
                .buf(gz)                                   // const real_t* gz, int gz_off
                .buf(rgz)                                  // const real_t* rgz, int rgz_off
                .buf(rgy)                                  // real_t* rgy, int rgy_off
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
        be.kernel("pointwise_layernorm_fwd", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(gamma)                                // const real_t* gamma, int gamma_off
                .buf(beta)                                 // const real_t* beta, int beta_off
                .buf(z)                                    // real_t* z, int z_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // acc_t eps
                .blocks(columnGroups(cols), THREADS)
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
        int groups = columnGroups(cols);
        be.kernel("pointwise_lnstats_fwd", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(y)                                    // const real_t* ry, int ry_off (not read without R)
                .buf(s)                                    // acc_t* stats, int stats_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // acc_t eps
                .i(0)                                      // int with_r
                .blocks(groups, THREADS)
                .run();
        // the parameter sums read G_z before G_y is written
        be.kernel("pointwise_lnparams_bwd", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(gz)                                   // const real_t* gz, int gz_off
                .buf(s)                                    // const acc_t* stats, int stats_off
                .buf(ggamma)                               // real_t* ggamma, int ggamma_off
                .buf(gbeta)                                // real_t* gbeta, int gbeta_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .blocks(rowTiles(rows), THREADS)
                .run();
        be.kernel("pointwise_layernorm_bwd", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(gamma)                                // const real_t* gamma, int gamma_off
                .buf(gz)                                   // const real_t* gz, int gz_off
                .buf(s)                                    // const acc_t* stats, int stats_off
                .buf(gy)                                   // real_t* gy, int gy_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .blocks(groups, THREADS)
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
        be.kernel("pointwise_layernorm_fwdr", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(ry)                                   // const real_t* ry, int ry_off
                .buf(gamma)                                // const real_t* gamma, int gamma_off
                .buf(vGamma)                               // const real_t* vgamma, int vgamma_off
                .buf(vBeta)                                // const real_t* vbeta, int vbeta_off
                .buf(rz)                                   // real_t* rz, int rz_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // acc_t eps
                .blocks(columnGroups(cols), THREADS)
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
        int groups = columnGroups(cols);
        be.kernel("pointwise_lnstats_fwd", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(ry)                                   // const real_t* ry, int ry_off
                .buf(s)                                    // acc_t* stats, int stats_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .d(eps)                                    // acc_t eps
                .i(1)                                      // int with_r
                .blocks(groups, THREADS)
                .run();
        // the parameter sums read G_z and R{G_z} before R{G_y} is written
        be.kernel("pointwise_lnparams_bwdr", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(ry)                                   // const real_t* ry, int ry_off
                .buf(gz)                                   // const real_t* gz, int gz_off
                .buf(rgz)                                  // const real_t* rgz, int rgz_off
                .buf(s)                                    // const acc_t* stats, int stats_off
                .buf(rgGamma)                              // real_t* rggamma, int rggamma_off
                .buf(rgBeta)                               // real_t* rgbeta, int rgbeta_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .blocks(rowTiles(rows), THREADS)
                .run();
        be.kernel("pointwise_layernorm_bwdr", dt)
                .buf(y)                                    // const real_t* y, int y_off
                .buf(ry)                                   // const real_t* ry, int ry_off
                .buf(gamma)                                // const real_t* gamma, int gamma_off
                .buf(vGamma)                               // const real_t* vgamma, int vgamma_off
                .buf(gz)                                   // const real_t* gz, int gz_off
                .buf(rgz)                                  // const real_t* rgz, int rgz_off
                .buf(s)                                    // const acc_t* stats, int stats_off
                .buf(rgy)                                  // real_t* rgy, int rgy_off
                .i(rows)                                   // int rows
                .i(cols)                                   // int cols
                .blocks(groups, THREADS)
                .run();
    }

    /** The stats scratch for {@code cols} columns (planar: stats[k * cols + c]); reallocated only to grow. */
    private DeviceBuffer stats(int cols) {
        int need = Math.max(1, STATS_PER_COLUMN * cols);
        if (stats == null || stats.length() < need) {
            stats = be.backend().allocate(be.accDtype(), need);
        }
        return stats;
    }

    /**
     * One work-group of 256 per column, capped (the kernels loop over columns with the group stride; gs_group_sum
     * needs exactly GS_LOCAL = 256 items, so the group does not shrink for short columns).
     */
    private int columnGroups(int cols) {
        return be.blocksFor((long) Math.max(cols, 1) * THREADS, THREADS);
    }

    /** Work-groups of 32 rows for the column-sum kernels (8 slices of 32 items share each tile's columns). */
    private int rowTiles(int rows) {
        return be.blocksFor(Math.max(rows, 1), 32);
    }

    /** The common dtype of {@code buffers} (named in order by {@code names}), or one message naming the odd one. */
    private DType dtypeOf(String op, String names, DeviceBuffer... buffers) {
        for (DeviceBuffer b : buffers) {
            be.requireOwn(b);
        }
        DType dt = buffers[0].dtype();
        for (int k = 1; k < buffers.length; k++) {
            if (buffers[k].dtype() != dt) {
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
