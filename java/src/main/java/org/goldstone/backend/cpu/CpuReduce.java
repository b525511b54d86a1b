package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.ReduceOps;

/** Reference for {@link ReduceOps}: sequential loops, sums accumulated in double in index order. */
final class CpuReduce implements ReduceOps {
    @Override
    public double dot(DeviceBuffer xBuf, DeviceBuffer yBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf), y = CpuBuffer.of(yBuf);
        same(x, y);
        double s = 0;
        for (int i = 0; i < x.length(); i++) {
            s += x.get(i) * y.get(i);
        }
        return s;
    }

    @Override
    public double sumSquares(DeviceBuffer xBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf);
        double s = 0;
        for (int i = 0; i < x.length(); i++) {
            double v = x.get(i);
            s += v * v;
        }
        return s;
    }

    @Override
    public void axpyInPlace(double alpha, DeviceBuffer xBuf, DeviceBuffer yBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf), y = CpuBuffer.of(yBuf);
        same(x, y);
        for (int i = 0; i < x.length(); i++) {
            y.set(i, y.get(i) + alpha * x.get(i));
        }
    }

    @Override
    public void scaleInPlace(double alpha, DeviceBuffer xBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf);
        for (int i = 0; i < x.length(); i++) {
            x.set(i, alpha * x.get(i));
        }
    }

    @Override
    public void copy(DeviceBuffer srcBuf, DeviceBuffer dstBuf) {
        CpuBuffer s = CpuBuffer.of(srcBuf), d = CpuBuffer.of(dstBuf);
        same(s, d);
        for (int i = 0; i < s.length(); i++) {
            d.set(i, s.get(i));
        }
    }

    @Override
    public void fill(DeviceBuffer xBuf, double value) {
        CpuBuffer x = CpuBuffer.of(xBuf);
        for (int i = 0; i < x.length(); i++) {
            x.set(i, value);
        }
    }

    @Override
    public int firstNonFinite(DeviceBuffer xBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf);
        for (int i = 0; i < x.length(); i++) {
            if (!Double.isFinite(x.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void same(CpuBuffer x, CpuBuffer y) {
        if (x.length() != y.length()) {
            throw new BackendException("reduce: expected equal lengths, found " + x.length() + " and " + y.length());
        }
    }
}
