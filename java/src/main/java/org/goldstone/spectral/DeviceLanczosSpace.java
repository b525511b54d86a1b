package org.goldstone.spectral;

import org.goldstone.GoldstoneException;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * {@link LanczosSpace} on fp64 buffers of the operator's backend: the basis is one buffer of {@code steps} columns,
 * the products run through {@link DeviceOperator#applyOnDevice}, the reorthogonalization through the backend's
 * {@code lanczos} kernels and everything else through its {@code reduce} kernels. Only scalars come to the host.
 */
final class DeviceLanczosSpace implements LanczosSpace<DeviceBuffer> {
    private final DeviceOperator a;
    private final Backend be;
    private final int p;
    private final DeviceBuffer basis;
    private final DeviceBuffer coeffs;

    DeviceLanczosSpace(DeviceOperator a, int steps) {
        this.a = a;
        this.be = a.backend();
        this.p = a.dimension();
        if ((long) p * steps > Integer.MAX_VALUE) {
            throw new GoldstoneException("Lanczos on the device: expected P x steps <= " + Integer.MAX_VALUE
                    + " basis elements in one buffer, found " + p + " x " + steps);
        }
        this.basis = be.allocate(DType.F64, p * Math.max(1, steps));
        this.coeffs = be.allocate(DType.F64, Math.max(1, steps));
    }

    @Override
    public int dimension() {
        return p;
    }

    @Override
    public DeviceBuffer fromHost(double[] v) {
        DeviceBuffer b = be.allocate(DType.F64, p);
        be.write(b, v);
        return b;
    }

    @Override
    public double[] toHost(DeviceBuffer v) {
        double[] out = new double[p];
        be.read(v, out);
        return out;
    }

    @Override
    public DeviceBuffer apply(DeviceBuffer v) {
        DeviceBuffer w = be.allocate(DType.F64, p);
        a.applyOnDevice(v, w);
        return w;
    }

    @Override
    public double recurrence(DeviceBuffer w, double beta, DeviceBuffer vPrev, DeviceBuffer v) {
        if (vPrev != null) {
            be.reduce().axpyInPlace(-beta, vPrev, w);
        }
        double d = be.reduce().dot(w, v);
        return Double.isFinite(d) || be.reduce().firstNonFinite(w) < 0 ? d : Double.NaN;
    }

    @Override
    public double axpyNorm(double alpha, DeviceBuffer v, DeviceBuffer w) {
        be.reduce().axpyInPlace(-alpha, v, w);
        return be.reduce().sumSquares(w);
    }

    @Override
    public void store(int j, DeviceBuffer v) {
        be.reduce().copy(v, basis.slice(j * p, p));
    }

    @Override
    public double orthogonalize(DeviceBuffer w, int count, double before) {
        if (count == 0) {
            return before;
        }
        for (int pass = 0; pass < 2; pass++) {
            double after = Math.sqrt(be.lanczos().orthogonalizePass(basis, p, count, w, coeffs));
            if (after > Vectors.DGKS * before || pass == 1) {
                return after;
            }
            before = after;
        }
        return before;
    }

    @Override
    public void scale(double alpha, DeviceBuffer w) {
        be.reduce().scaleInPlace(alpha, w);
    }

    @Override
    public double norm(DeviceBuffer v) {
        return Math.sqrt(be.reduce().sumSquares(v));
    }

    @Override
    public int firstNonFinite(DeviceBuffer v) {
        return be.reduce().firstNonFinite(v);
    }

    @Override
    public void orthogonalizeToLast(DeviceBuffer r, DeviceBuffer v, DeviceBuffer vPrev) {
        throw new GoldstoneException("Lanczos on the device keeps its basis: expected FULL reorthogonalization");
    }

    @Override
    public double[][] basis(int count) {
        double[][] out = new double[count][];
        for (int j = 0; j < count; j++) {
            out[j] = new double[p];
            be.read(basis.slice(j * p, p), out[j]);
        }
        return out;
    }
}
