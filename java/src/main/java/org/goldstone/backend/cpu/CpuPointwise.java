package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.PointwiseOps;
import org.goldstone.layer.Activation;

/** Reference for {@link PointwiseOps}: plain loops in double; fp32 tanh goes to {@link VectorActivation}. */
final class CpuPointwise implements PointwiseOps {
    @Override
    public void addBiasInPlace(DeviceBuffer yBuf, DeviceBuffer biasBuf, int rows, int cols) {
        CpuBuffer y = CpuBuffer.of(yBuf), bias = CpuBuffer.of(biasBuf);
        require("y", y, (long) rows * cols);
        require("bias", bias, rows);
        double[] b = new double[rows];
        for (int i = 0; i < rows; i++) {
            b[i] = bias.get(i);
        }
        if (y instanceof CpuBuffer.F32) {
            float[] ya = ((CpuBuffer.F32) y).a;
            for (int c = 0; c < cols; c++) {
                int o = y.offset + c * rows;
                for (int i = 0; i < rows; i++) {
                    ya[o + i] = (float) (ya[o + i] + b[i]);
                }
            }
        } else {
            for (int c = 0; c < cols; c++) {
                for (int i = 0; i < rows; i++) {
                    y.set(c * rows + i, y.get(c * rows + i) + b[i]);
                }
            }
        }
    }

    @Override
    public void sumColumns(DeviceBuffer gyBuf, DeviceBuffer gbBuf, int rows, int cols, double beta) {
        CpuBuffer gy = CpuBuffer.of(gyBuf), gb = CpuBuffer.of(gbBuf);
        require("G_y", gy, (long) rows * cols);
        require("G_b", gb, rows);
        double[] s = new double[rows];
        if (gy instanceof CpuBuffer.F32) {
            float[] ga = ((CpuBuffer.F32) gy).a;
            for (int c = 0; c < cols; c++) {             // column order: unit stride, sums in double
                int o = gy.offset + c * rows;
                for (int i = 0; i < rows; i++) {
                    s[i] += ga[o + i];
                }
            }
        } else {
            for (int c = 0; c < cols; c++) {
                for (int i = 0; i < rows; i++) {
                    s[i] += gy.get(c * rows + i);
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            gb.set(i, (beta == 0.0 ? 0.0 : gb.get(i)) + s[i]);
        }
    }

    @Override
    public void activationForward(Activation act, DeviceBuffer yBuf, DeviceBuffer zBuf, int elements) {
        CpuBuffer y = CpuBuffer.of(yBuf), z = CpuBuffer.of(zBuf);
        require("y", y, elements);
        require("z", z, elements);
        if (act == Activation.TANH && CpuEquivLinear.SIMD && y instanceof CpuBuffer.F32 && z instanceof CpuBuffer.F32) {
            VectorActivation.tanh(((CpuBuffer.F32) y).a, y.offset, ((CpuBuffer.F32) z).a, z.offset, 0, elements);
            return;
        }
        for (int i = 0; i < elements; i++) {
            z.set(i, act.apply(y.get(i)));
        }
    }

    @Override
    public void activationBackward(Activation act, DeviceBuffer yBuf, DeviceBuffer zBuf, DeviceBuffer gzBuf,
                                   DeviceBuffer gyBuf, int elements) {
        CpuBuffer y = CpuBuffer.of(yBuf), z = CpuBuffer.of(zBuf), gz = CpuBuffer.of(gzBuf), gy = CpuBuffer.of(gyBuf);
        require("y", y, elements);
        require("z", z, elements);
        require("G_z", gz, elements);
        require("G_y", gy, elements);
        if (act == Activation.TANH && z instanceof CpuBuffer.F32 && gz instanceof CpuBuffer.F32
                && gy instanceof CpuBuffer.F32) {
            float[] za = ((CpuBuffer.F32) z).a, ga = ((CpuBuffer.F32) gz).a, oa = ((CpuBuffer.F32) gy).a;
            int oz = z.offset, og = gz.offset, oo = gy.offset;
            for (int i = 0; i < elements; i++) {
                float t = za[oz + i];
                oa[oo + i] = (1f - t * t) * ga[og + i];
            }
            return;
        }
        for (int i = 0; i < elements; i++) {
            gy.set(i, act.derivative(y.get(i), z.get(i)) * gz.get(i));
        }
    }

    @Override
    public void activationRopBackward(Activation act, DeviceBuffer yBuf, DeviceBuffer zBuf, DeviceBuffer ryBuf,
                                      DeviceBuffer gzBuf, DeviceBuffer rgzBuf, DeviceBuffer rgyBuf, int elements) {
        CpuBuffer y = CpuBuffer.of(yBuf), z = CpuBuffer.of(zBuf), ry = CpuBuffer.of(ryBuf), gz = CpuBuffer.of(gzBuf);
        CpuBuffer rgz = CpuBuffer.of(rgzBuf), rgy = CpuBuffer.of(rgyBuf);
        require("y", y, elements);
        require("z", z, elements);
        require("R{y}", ry, elements);
        require("G_z", gz, elements);
        require("R{G_z}", rgz, elements);
        require("R{G_y}", rgy, elements);
        for (int i = 0; i < elements; i++) {
            double yi = y.get(i), zi = z.get(i);
            rgy.set(i, act.derivative(yi, zi) * rgz.get(i) + act.secondDerivative(yi, zi) * ry.get(i) * gz.get(i));
        }
    }

    @Override
    public void layerNormForward(DeviceBuffer yBuf, DeviceBuffer gammaBuf, DeviceBuffer betaBuf, DeviceBuffer zBuf,
                                 int rows, int cols, double eps) {
        CpuBuffer y = CpuBuffer.of(yBuf), gamma = CpuBuffer.of(gammaBuf), beta = CpuBuffer.of(betaBuf);
        CpuBuffer z = CpuBuffer.of(zBuf);
        require("y", y, (long) rows * cols);
        require("z", z, (long) rows * cols);
        require("gamma", gamma, rows);
        require("beta", beta, rows);
        for (int c = 0; c < cols; c++) {
            int o = c * rows;
            double[] mi = meanAndInverseStd(y, o, rows, eps);
            double mean = mi[0], inv = mi[1];
            for (int i = 0; i < rows; i++) {
                z.set(o + i, gamma.get(i) * (y.get(o + i) - mean) * inv + beta.get(i));
            }
        }
    }

    @Override
    public void layerNormBackward(DeviceBuffer yBuf, DeviceBuffer gammaBuf, DeviceBuffer gzBuf, DeviceBuffer gyBuf,
                                  DeviceBuffer ggBuf, DeviceBuffer gbBuf, int rows, int cols, double eps) {
        CpuBuffer y = CpuBuffer.of(yBuf), gamma = CpuBuffer.of(gammaBuf), gz = CpuBuffer.of(gzBuf);
        CpuBuffer gy = CpuBuffer.of(gyBuf), gg = CpuBuffer.of(ggBuf), gb = CpuBuffer.of(gbBuf);
        require("y", y, (long) rows * cols);
        require("G_z", gz, (long) rows * cols);
        require("G_y", gy, (long) rows * cols);
        double[] xhat = new double[rows], dxhat = new double[rows], sg = new double[rows], sb = new double[rows];
        for (int c = 0; c < cols; c++) {
            int o = c * rows;
            double[] mi = meanAndInverseStd(y, o, rows, eps);
            double mean = mi[0], inv = mi[1];
            double meanD = 0, meanDX = 0;
            for (int i = 0; i < rows; i++) {
                xhat[i] = (y.get(o + i) - mean) * inv;
                double g = gz.get(o + i);
                sg[i] += g * xhat[i];
                sb[i] += g;
                dxhat[i] = g * gamma.get(i);
                meanD += dxhat[i];
                meanDX += dxhat[i] * xhat[i];
            }
            meanD /= rows;
            meanDX /= rows;
            // G_y = inv (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
            for (int i = 0; i < rows; i++) {
                gy.set(o + i, inv * (dxhat[i] - meanD - xhat[i] * meanDX));
            }
        }
        for (int i = 0; i < rows; i++) {
            gg.set(i, sg[i]);
            gb.set(i, sb[i]);
        }
    }

    @Override
    public void layerNormForwardR(DeviceBuffer yBuf, DeviceBuffer ryBuf, DeviceBuffer gammaBuf, DeviceBuffer vgBuf,
                                  DeviceBuffer vbBuf, DeviceBuffer rzBuf, int rows, int cols, double eps) {
        CpuBuffer y = CpuBuffer.of(yBuf), ry = CpuBuffer.of(ryBuf), gamma = CpuBuffer.of(gammaBuf);
        CpuBuffer vg = CpuBuffer.of(vgBuf), vb = CpuBuffer.of(vbBuf), rz = CpuBuffer.of(rzBuf);
        require("y", y, (long) rows * cols);
        require("R{y}", ry, (long) rows * cols);
        require("R{z}", rz, (long) rows * cols);
        double[] xhat = new double[rows], rxhat = new double[rows];
        for (int c = 0; c < cols; c++) {
            int o = c * rows;
            layerNormR(y, ry, o, rows, eps, xhat, rxhat);
            for (int i = 0; i < rows; i++) {
                rz.set(o + i, vg.get(i) * xhat[i] + gamma.get(i) * rxhat[i] + vb.get(i));
            }
        }
    }

    @Override
    public void layerNormBackwardR(DeviceBuffer yBuf, DeviceBuffer ryBuf, DeviceBuffer gammaBuf, DeviceBuffer vgBuf,
                                   DeviceBuffer gzBuf, DeviceBuffer rgzBuf, DeviceBuffer rgyBuf, DeviceBuffer rggBuf,
                                   DeviceBuffer rgbBuf, int rows, int cols, double eps) {
        CpuBuffer y = CpuBuffer.of(yBuf), ry = CpuBuffer.of(ryBuf), gamma = CpuBuffer.of(gammaBuf);
        CpuBuffer vg = CpuBuffer.of(vgBuf), gz = CpuBuffer.of(gzBuf), rgz = CpuBuffer.of(rgzBuf);
        CpuBuffer rgy = CpuBuffer.of(rgyBuf), rgg = CpuBuffer.of(rggBuf), rgb = CpuBuffer.of(rgbBuf);
        require("y", y, (long) rows * cols);
        require("R{G_y}", rgy, (long) rows * cols);
        double[] xhat = new double[rows], rxhat = new double[rows], dx = new double[rows], rdx = new double[rows];
        double[] sg = new double[rows], sb = new double[rows];
        for (int c = 0; c < cols; c++) {
            int o = c * rows;
            double[] mi = layerNormR(y, ry, o, rows, eps, xhat, rxhat);
            double inv = mi[1], rinv = mi[2];
            double a = 0, bb = 0, ra = 0, rb = 0;
            for (int i = 0; i < rows; i++) {
                double g = gz.get(o + i), rg = rgz.get(o + i);
                dx[i] = g * gamma.get(i);                                  // dL/dxhat
                rdx[i] = rg * gamma.get(i) + g * vg.get(i);
                a += dx[i];
                bb += dx[i] * xhat[i];
                ra += rdx[i];
                rb += rdx[i] * xhat[i] + dx[i] * rxhat[i];
                sg[i] += rg * xhat[i] + g * rxhat[i];
                sb[i] += rg;
            }
            a /= rows;
            bb /= rows;
            ra /= rows;
            rb /= rows;
            // G_y = inv (dx - A - xhat B): its R-derivative term by term
            for (int i = 0; i < rows; i++) {
                double inner = dx[i] - a - xhat[i] * bb;
                double rinner = rdx[i] - ra - rxhat[i] * bb - xhat[i] * rb;
                rgy.set(o + i, rinv * inner + inv * rinner);
            }
        }
        for (int i = 0; i < rows; i++) {
            rgg.set(i, sg[i]);
            rgb.set(i, sb[i]);
        }
    }

    /**
     * xhat and R{xhat} of one column; returns {mean, inv, R{inv}} with inv = (var + eps)^(-1/2),
     * R{var} = 2 mean(d R{d}), R{inv} = -inv^3 R{var} / 2.
     */
    private static double[] layerNormR(CpuBuffer y, CpuBuffer ry, int o, int rows, double eps, double[] xhat,
                                       double[] rxhat) {
        double[] mi = meanAndInverseStd(y, o, rows, eps);
        double mean = mi[0], inv = mi[1];
        double rmean = 0;
        for (int i = 0; i < rows; i++) {
            rmean += ry.get(o + i);
        }
        rmean /= rows;
        double rvar = 0;
        for (int i = 0; i < rows; i++) {
            rvar += (y.get(o + i) - mean) * (ry.get(o + i) - rmean);
        }
        rvar = 2 * rvar / rows;
        double rinv = -0.5 * inv * inv * inv * rvar;
        for (int i = 0; i < rows; i++) {
            double d = y.get(o + i) - mean;
            xhat[i] = d * inv;
            rxhat[i] = (ry.get(o + i) - rmean) * inv + d * rinv;
        }
        return new double[] {mean, inv, rinv};
    }

    /** Mean and 1/sqrt(biased variance + eps) of y[o .. o + rows). */
    private static double[] meanAndInverseStd(CpuBuffer y, int o, int rows, double eps) {
        double mean = 0;
        for (int i = 0; i < rows; i++) {
            mean += y.get(o + i);
        }
        mean /= rows;
        double var = 0;
        for (int i = 0; i < rows; i++) {
            double d = y.get(o + i) - mean;
            var += d * d;
        }
        return new double[] {mean, 1.0 / Math.sqrt(var / rows + eps)};
    }

    private static void require(String what, CpuBuffer buf, long expected) {
        if (buf.length() != expected) {
            throw new BackendException("pointwise: expected " + what + " with " + expected + " elements, found "
                    + buf.length());
        }
    }
}
