package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.NormActOps;
import org.goldstone.layer.Radial;
import org.goldstone.tensor.DType;
import org.goldstone.tensor.UnitShape;

/**
 * Launchers of the norm_act family ({@code norm_act.cu}, {@code norm_act.cl}): one thread per unit, blocks of 256,
 * grid-stride over the channels*batch units. Validates lengths and dtypes here, as the CPU twin
 * {@code CpuNormAct} does; the kernels trust them.
 */
public final class DeviceNormAct implements NormActOps {
    private static final int THREADS = 256;

    private final Kernels be;

    public DeviceNormAct(Kernels be) {
        this.be = be;
    }

    @Override
    public void forward(Radial radial, DeviceBuffer y, DeviceBuffer z, UnitShape s) {
        check(y, s, "y");
        check(z, s, "z");
        DType dtype = sameDtype(y, z);
        be.kernel("norm_act_fwd", dtype)
                .buf(y)                                   // const T* y
                .buf(z)                                   // T* z
                .i(s.channels())                          // int channels
                .i(s.units())                             // int units
                .i(s.k())                                 // int k
                .i(radial.profile().ordinal())            // int profile
                .d(radial.a())                            // double a
                .d(radial.b())                            // double b
                .over(s.units(), THREADS)
                .run();
    }

    @Override
    public void backward(Radial radial, DeviceBuffer y, DeviceBuffer gz, DeviceBuffer gy, UnitShape s) {
        check(y, s, "y");
        check(gz, s, "G_z");
        check(gy, s, "G_y");
        DType dtype = sameDtype(y, gz, gy);
        be.kernel("norm_act_bwd", dtype)
                .buf(y)                                   // const T* y
                .buf(gz)                                  // const T* gz
                .buf(gy)                                  // T* gy (may alias gz)
                .i(s.channels())                          // int channels
                .i(s.units())                             // int units
                .i(s.k())                                 // int k
                .i(radial.profile().ordinal())            // int profile
                .d(radial.a())                            // double a
                .d(radial.b())                            // double b
                .over(s.units(), THREADS)
                .run();
    }

    @Override
    public void ropBackward(Radial radial, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gz, DeviceBuffer rgz,
                            DeviceBuffer rgy, UnitShape s) {
        check(y, s, "y");
        check(ry, s, "R{y}");
        check(gz, s, "G_z");
        check(rgz, s, "R{G_z}");
        check(rgy, s, "R{G_y}");
        DType dtype = sameDtype(y, ry, gz, rgz, rgy);
        be.kernel("norm_act_rop", dtype)
                .buf(y)                                   // const T* y
                .buf(ry)                                  // const T* ry
                .buf(gz)                                  // const T* gz
                .buf(rgz)                                 // const T* rgz
                .buf(rgy)                                 // T* rgy
                .i(s.channels())                          // int channels
                .i(s.units())                             // int units
                .i(s.k())                                 // int k
                .i(radial.profile().ordinal())            // int profile
                .d(radial.a())                            // double a
                .d(radial.b())                            // double b
                .over(s.units(), THREADS)
                .run();
    }

    @Override
    public void backwardAndRop(Radial radial, DeviceBuffer y, DeviceBuffer ry, DeviceBuffer gz, DeviceBuffer rgz,
                               DeviceBuffer gy, DeviceBuffer rgy, UnitShape s) {
        if (gy == null) {                                 // as the twin: without G_y this is ropBackward
            ropBackward(radial, y, ry, gz, rgz, rgy, s);
            return;
        }
        check(gy, s, "G_y");
        check(y, s, "y");
        check(ry, s, "R{y}");
        check(gz, s, "G_z");
        check(rgz, s, "R{G_z}");
        check(rgy, s, "R{G_y}");
        DType dtype = sameDtype(y, ry, gz, rgz, gy, rgy);
        be.kernel("norm_act_bwdrop", dtype)
                .buf(y)                                   // const T* y
                .buf(ry)                                  // const T* ry
                .buf(gz)                                  // const T* gz
                .buf(rgz)                                 // const T* rgz
                .buf(gy)                                  // T* gy
                .buf(rgy)                                 // T* rgy
                .i(s.channels())                          // int channels
                .i(s.units())                             // int units
                .i(s.k())                                 // int k
                .i(radial.profile().ordinal())            // int profile
                .d(radial.a())                            // double a
                .d(radial.b())                            // double b
                .over(s.units(), THREADS)
                .run();
    }

    private static void check(DeviceBuffer buf, UnitShape s, String what) {
        if (buf.length() != s.elements()) {
            throw new BackendException("norm_act: expected " + what + " with " + s.elements() + " elements ("
                    + s.channels() + "x" + s.batch() + "x" + s.k() + "), found " + buf.length());
        }
    }

    /** The one dtype of all buffers; the kernels are instantiated per dtype and read every buffer as it. */
    private static DType sameDtype(DeviceBuffer... bufs) {
        DType dtype = bufs[0].dtype();
        for (DeviceBuffer b : bufs) {
            if (b.dtype() != dtype) {
                throw new BackendException("norm_act: expected one dtype for all buffers, found " + dtype + " and "
                        + b.dtype());
            }
        }
        return dtype;
    }
}
