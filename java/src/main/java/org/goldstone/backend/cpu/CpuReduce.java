package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.ReduceOps;

/**
 * Reference for {@link ReduceOps}: sums accumulated in double in index order. fp32 sums of squares and updates
 * run over the raw arrays in fixed chunks per worker thread (partial sums added in chunk order, so the result is
 * deterministic for a given thread count).
 */
final class CpuReduce implements ReduceOps {
    private final Parallel parallel;

    CpuReduce(Parallel parallel) {
        this.parallel = parallel;
    }
    @Override
    public double dot(DeviceBuffer xBuf, DeviceBuffer yBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf), y = CpuBuffer.of(yBuf);
        same(x, y);
        if (x instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32) {
            return dotF32((CpuBuffer.F32) x, (CpuBuffer.F32) y);
        }
        double s = 0;
        for (int i = 0; i < x.length(); i++) {
            s += x.get(i) * y.get(i);
        }
        return s;
    }

    /** fp32 dot over the raw arrays in fixed chunks per worker (partials added in chunk order: deterministic). */
    private double dotF32(CpuBuffer.F32 x, CpuBuffer.F32 y) {
        float[] a = x.a, b = y.a;
        int ox = x.offset, oy = y.offset, n = x.length();
        double[] partial = new double[parallel.threads()];
        int per = (n + partial.length - 1) / partial.length;
        parallel.forRange(partial.length, 1, 2, (from, to) -> {
            for (int c = from; c < to; c++) {
                double s = 0;
                for (int i = c * per, end = Math.min(n, (c + 1) * per); i < end; i++) {
                    s += (double) a[ox + i] * b[oy + i];
                }
                partial[c] = s;
            }
        });
        double s = 0;
        for (double p : partial) {
            s += p;
        }
        return s;
    }

    @Override
    public double sumSquares(DeviceBuffer xBuf) {
        CpuBuffer x = CpuBuffer.of(xBuf);
        if (x instanceof CpuBuffer.F32) {
            float[] a = ((CpuBuffer.F32) x).a;
            int off = x.offset;
            double[] partial = new double[parallel.threads()];
            int per = (x.length() + partial.length - 1) / partial.length;
            parallel.forRange(partial.length, 1, 2, (from, to) -> {
                for (int c = from; c < to; c++) {
                    double s = 0;
                    for (int i = c * per, end = Math.min(x.length(), (c + 1) * per); i < end; i++) {
                        double v = a[off + i];
                        s += v * v;
                    }
                    partial[c] = s;
                }
            });
            double s = 0;
            for (double p : partial) {
                s += p;
            }
            return s;
        }
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
        if (x instanceof CpuBuffer.F32 && y instanceof CpuBuffer.F32) {
            float[] xa = ((CpuBuffer.F32) x).a, ya = ((CpuBuffer.F32) y).a;
            int ox = x.offset, oy = y.offset;
            parallel.forRange(x.length(), 4096, 1 << 16, (from, to) -> {
                for (int i = from; i < to; i++) {
                    ya[oy + i] = (float) (ya[oy + i] + alpha * xa[ox + i]);
                }
            });
            return;
        }
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
        if (s instanceof CpuBuffer.F32 && d instanceof CpuBuffer.F32) {
            System.arraycopy(((CpuBuffer.F32) s).a, s.offset, ((CpuBuffer.F32) d).a, d.offset, s.length());
            return;
        }
        if (s instanceof CpuBuffer.F64 && d instanceof CpuBuffer.F64) {
            System.arraycopy(((CpuBuffer.F64) s).a, s.offset, ((CpuBuffer.F64) d).a, d.offset, s.length());
            return;
        }
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
