package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;

/** Reference for {@link LossOps}: per sample, in double, with the max-shifted log-sum-exp. */
final class CpuLoss implements LossOps {
    @Override
    public Value softmaxCrossEntropy(DeviceBuffer logitsBuf, DeviceBuffer labelsBuf, DeviceBuffer gradBuf,
                                     int classes, int batch, double scale) {
        CpuBuffer o = CpuBuffer.of(logitsBuf), y = CpuBuffer.of(labelsBuf), g = CpuBuffer.of(gradBuf);
        check(o, y, g, classes, batch);
        double sum = 0;
        long correct = 0;
        for (int b = 0; b < batch; b++) {
            int base = b * classes;
            int label = label(y, b, classes);
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int c = 0; c < classes; c++) {
                double v = o.get(base + c);
                if (v > max) {
                    max = v;
                    arg = c;
                }
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(o.get(base + c) - max);
            }
            double logZ = max + Math.log(z);
            sum += logZ - o.get(base + label);
            if (arg == label) {
                correct++;
            }
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(o.get(base + c) - logZ);
                g.set(base + c, scale * (p - (c == label ? 1.0 : 0.0)));
            }
        }
        return new Value(sum, correct);
    }

    @Override
    public Value meanSquaredError(DeviceBuffer logitsBuf, DeviceBuffer labelsBuf, DeviceBuffer gradBuf,
                                  int classes, int batch, double scale) {
        CpuBuffer o = CpuBuffer.of(logitsBuf), y = CpuBuffer.of(labelsBuf), g = CpuBuffer.of(gradBuf);
        check(o, y, g, classes, batch);
        double sum = 0;
        long correct = 0;
        for (int b = 0; b < batch; b++) {
            int base = b * classes;
            int label = label(y, b, classes);
            int arg = 0;
            for (int c = 0; c < classes; c++) {
                double v = o.get(base + c);
                if (v > o.get(base + arg)) {
                    arg = c;
                }
                double d = v - (c == label ? 1.0 : 0.0);
                sum += 0.5 * d * d;
                g.set(base + c, scale * d);
            }
            if (arg == label) {
                correct++;
            }
        }
        return new Value(sum, correct);
    }

    @Override
    public void softmaxCrossEntropyRop(DeviceBuffer logitsBuf, DeviceBuffer rLogitsBuf, DeviceBuffer rGradBuf,
                                       int classes, int batch, double scale) {
        CpuBuffer o = CpuBuffer.of(logitsBuf), ro = CpuBuffer.of(rLogitsBuf), rg = CpuBuffer.of(rGradBuf);
        checkR(o, ro, rg, classes, batch);
        double[] p = new double[classes];
        for (int b = 0; b < batch; b++) {
            int base = b * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, o.get(base + c));
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                p[c] = Math.exp(o.get(base + c) - max);
                z += p[c];
            }
            double pr = 0;
            for (int c = 0; c < classes; c++) {
                p[c] /= z;
                pr += p[c] * ro.get(base + c);
            }
            for (int c = 0; c < classes; c++) {
                rg.set(base + c, scale * p[c] * (ro.get(base + c) - pr));
            }
        }
    }

    @Override
    public void meanSquaredErrorRop(DeviceBuffer rLogitsBuf, DeviceBuffer rGradBuf, int classes, int batch,
                                    double scale) {
        CpuBuffer ro = CpuBuffer.of(rLogitsBuf), rg = CpuBuffer.of(rGradBuf);
        checkR(ro, ro, rg, classes, batch);
        for (int i = 0; i < classes * batch; i++) {
            rg.set(i, scale * ro.get(i));
        }
    }

    private static void checkR(CpuBuffer o, CpuBuffer ro, CpuBuffer rg, int classes, int batch) {
        if (o.length() != classes * batch || ro.length() != classes * batch || rg.length() != classes * batch) {
            throw new BackendException("loss R-op: expected logits, R{logits} and R{grad} of " + classes + "x" + batch
                    + ", found " + o.length() + ", " + ro.length() + ", " + rg.length());
        }
    }

    private static int label(CpuBuffer y, int b, int classes) {
        double v = y.get(b);
        int label = (int) v;
        if (label != v || label < 0 || label >= classes) {
            throw new BackendException("loss: expected a label in [0, " + classes + "), found " + v
                    + " at sample " + b);
        }
        return label;
    }

    private static void check(CpuBuffer o, CpuBuffer y, CpuBuffer g, int classes, int batch) {
        if (o.length() != classes * batch || g.length() != classes * batch || y.length() != batch) {
            throw new BackendException("loss: expected logits and grad of " + classes + "x" + batch + " and " + batch
                    + " labels, found " + o.length() + ", " + g.length() + ", " + y.length());
        }
    }
}
