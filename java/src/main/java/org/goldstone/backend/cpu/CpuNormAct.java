package org.goldstone.backend.cpu;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.NormActOps;
import org.goldstone.layer.Radial;
import org.goldstone.tensor.UnitShape;

/**
 * Reference for {@link NormActOps}: per unit (j, b), q = sum_a y[(b*k+a)*n + j]^2, then z = h(q) y and
 * G_y = h G_z + 2 h'(q) (y . G_z) y. One pass over the k components computes q (and y . G_z) for a whole column
 * block of n channels at once, so the loops stay unit-stride. Split over samples. fp32 ALG and RTANH run
 * {@link VectorNormAct} on the leading multiple of the vector length of channels; these loops are its twin.
 */
final class CpuNormAct implements NormActOps {
    private final Parallel parallel;

    CpuNormAct(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void forward(Radial radial, DeviceBuffer yBuf, DeviceBuffer zBuf, UnitShape s) {
        CpuBuffer y = CpuBuffer.of(yBuf), z = CpuBuffer.of(zBuf);
        check(y, s, "y");
        check(z, s, "z");
        int n = s.channels(), k = s.k();
        if (y instanceof CpuBuffer.F32 && z instanceof CpuBuffer.F32) {
            float[] ya = ((CpuBuffer.F32) y).a, za = ((CpuBuffer.F32) z).a;
            boolean simd = CpuEquivLinear.SIMD && VectorNormAct.supports(radial);
            int j0 = simd ? VectorNormAct.vectorChannels(n) : 0;     // channels [0, j0) go to the SIMD kernel
            parallel.forRange(s.batch(), 1, 2, (from, to) -> {
                if (simd) {
                    VectorNormAct.forward(radial.profile(), ya, y.offset, za, z.offset, n, k, from, to);
                }
                double[] q = new double[n];
                for (int b = from; b < to && j0 < n; b++) {
                    int base = b * k * n;
                    java.util.Arrays.fill(q, 0.0);
                    for (int a = 0; a < k; a++) {
                        int o = y.offset + base + a * n;
                        for (int j = j0; j < n; j++) {
                            double v = ya[o + j];
                            q[j] += v * v;
                        }
                    }
                    for (int j = j0; j < n; j++) {
                        q[j] = radial.h(q[j]);
                    }
                    for (int a = 0; a < k; a++) {
                        int oy = y.offset + base + a * n, oz = z.offset + base + a * n;
                        for (int j = j0; j < n; j++) {
                            za[oz + j] = (float) (q[j] * ya[oy + j]);
                        }
                    }
                }
            });
        } else if (y instanceof CpuBuffer.F64 && z instanceof CpuBuffer.F64) {
            double[] ya = ((CpuBuffer.F64) y).a, za = ((CpuBuffer.F64) z).a;
            parallel.forRange(s.batch(), 1, 2, (from, to) -> {
                double[] q = new double[n];
                for (int b = from; b < to; b++) {
                    int base = b * k * n;
                    java.util.Arrays.fill(q, 0.0);
                    for (int a = 0; a < k; a++) {
                        int o = y.offset + base + a * n;
                        for (int j = 0; j < n; j++) {
                            double v = ya[o + j];
                            q[j] += v * v;
                        }
                    }
                    for (int j = 0; j < n; j++) {
                        q[j] = radial.h(q[j]);
                    }
                    for (int a = 0; a < k; a++) {
                        int oy = y.offset + base + a * n, oz = z.offset + base + a * n;
                        for (int j = 0; j < n; j++) {
                            za[oz + j] = q[j] * ya[oy + j];
                        }
                    }
                }
            });
        } else {
            throw mixed(y, z);
        }
    }

    @Override
    public void backward(Radial radial, DeviceBuffer yBuf, DeviceBuffer gzBuf, DeviceBuffer gyBuf, UnitShape s) {
        CpuBuffer y = CpuBuffer.of(yBuf), gz = CpuBuffer.of(gzBuf), gy = CpuBuffer.of(gyBuf);
        check(y, s, "y");
        check(gz, s, "G_z");
        check(gy, s, "G_y");
        int n = s.channels(), k = s.k();
        if (y instanceof CpuBuffer.F32 && gz instanceof CpuBuffer.F32 && gy instanceof CpuBuffer.F32) {
            float[] ya = ((CpuBuffer.F32) y).a, ga = ((CpuBuffer.F32) gz).a, oa = ((CpuBuffer.F32) gy).a;
            boolean simd = CpuEquivLinear.SIMD && VectorNormAct.supports(radial);
            int j0 = simd ? VectorNormAct.vectorChannels(n) : 0;
            parallel.forRange(s.batch(), 1, 2, (from, to) -> {
                if (simd) {
                    VectorNormAct.backward(radial.profile(), ya, y.offset, ga, gz.offset, oa, gy.offset, n, k,
                            from, to);
                }
                double[] q = new double[n], dot = new double[n];
                for (int b = from; b < to && j0 < n; b++) {
                    int base = b * k * n;
                    java.util.Arrays.fill(q, 0.0);
                    java.util.Arrays.fill(dot, 0.0);
                    for (int a = 0; a < k; a++) {
                        int oy = y.offset + base + a * n, og = gz.offset + base + a * n;
                        for (int j = j0; j < n; j++) {
                            double v = ya[oy + j];
                            q[j] += v * v;
                            dot[j] += v * ga[og + j];
                        }
                    }
                    for (int j = j0; j < n; j++) {
                        double qq = q[j];
                        q[j] = radial.h(qq);
                        dot[j] = 2.0 * radial.dh(qq) * dot[j];   // 2 h' (y . G_z)
                    }
                    for (int a = 0; a < k; a++) {
                        int oy = y.offset + base + a * n, og = gz.offset + base + a * n, oo = gy.offset + base + a * n;
                        for (int j = j0; j < n; j++) {
                            oa[oo + j] = (float) (q[j] * ga[og + j] + dot[j] * ya[oy + j]);
                        }
                    }
                }
            });
        } else if (y instanceof CpuBuffer.F64 && gz instanceof CpuBuffer.F64 && gy instanceof CpuBuffer.F64) {
            double[] ya = ((CpuBuffer.F64) y).a, ga = ((CpuBuffer.F64) gz).a, oa = ((CpuBuffer.F64) gy).a;
            parallel.forRange(s.batch(), 1, 2, (from, to) -> {
                double[] q = new double[n], dot = new double[n];
                for (int b = from; b < to; b++) {
                    int base = b * k * n;
                    java.util.Arrays.fill(q, 0.0);
                    java.util.Arrays.fill(dot, 0.0);
                    for (int a = 0; a < k; a++) {
                        int oy = y.offset + base + a * n, og = gz.offset + base + a * n;
                        for (int j = 0; j < n; j++) {
                            double v = ya[oy + j];
                            q[j] += v * v;
                            dot[j] += v * ga[og + j];
                        }
                    }
                    for (int j = 0; j < n; j++) {
                        double qq = q[j];
                        q[j] = radial.h(qq);
                        dot[j] = 2.0 * radial.dh(qq) * dot[j];
                    }
                    for (int a = 0; a < k; a++) {
                        int oy = y.offset + base + a * n, og = gz.offset + base + a * n, oo = gy.offset + base + a * n;
                        for (int j = 0; j < n; j++) {
                            oa[oo + j] = q[j] * ga[og + j] + dot[j] * ya[oy + j];
                        }
                    }
                }
            });
        } else {
            throw mixed(y, gz);
        }
    }

    @Override
    public void ropBackward(Radial radial, DeviceBuffer yBuf, DeviceBuffer ryBuf, DeviceBuffer gzBuf,
                            DeviceBuffer rgzBuf, DeviceBuffer rgyBuf, UnitShape s) {
        backwardAndRop(radial, yBuf, ryBuf, gzBuf, rgzBuf, null, rgyBuf, s);
    }

    @Override
    public void backwardAndRop(Radial radial, DeviceBuffer yBuf, DeviceBuffer ryBuf, DeviceBuffer gzBuf,
                               DeviceBuffer rgzBuf, DeviceBuffer gyBuf, DeviceBuffer rgyBuf, UnitShape s) {
        CpuBuffer y = CpuBuffer.of(yBuf), w = CpuBuffer.of(ryBuf), g = CpuBuffer.of(gzBuf);
        CpuBuffer rg = CpuBuffer.of(rgzBuf), out = CpuBuffer.of(rgyBuf);
        CpuBuffer gy = gyBuf == null ? null : CpuBuffer.of(gyBuf);
        if (gy != null) {
            check(gy, s, "G_y");
        }
        check(y, s, "y");
        check(w, s, "R{y}");
        check(g, s, "G_z");
        check(rg, s, "R{G_z}");
        check(out, s, "R{G_y}");
        int n = s.channels(), k = s.k();
        boolean simd = CpuEquivLinear.SIMD && VectorNormAct.supports(radial) && y instanceof CpuBuffer.F32
                && w instanceof CpuBuffer.F32 && g instanceof CpuBuffer.F32 && rg instanceof CpuBuffer.F32
                && out instanceof CpuBuffer.F32 && (gy == null || gy instanceof CpuBuffer.F32);
        int j0 = simd ? VectorNormAct.vectorChannels(n) : 0;
        parallel.forRange(s.batch(), 1, 2, (from, to) -> {
            if (simd) {
                VectorNormAct.ropBackward(radial.profile(), ((CpuBuffer.F32) y).a, y.offset, ((CpuBuffer.F32) w).a,
                        w.offset, ((CpuBuffer.F32) g).a, g.offset, ((CpuBuffer.F32) rg).a, rg.offset,
                        ((CpuBuffer.F32) out).a, out.offset, gy == null ? null : ((CpuBuffer.F32) gy).a,
                        gy == null ? 0 : gy.offset, n, k, from, to);
            }
            for (int b = from; b < to; b++) {
                for (int j = j0; j < n; j++) {
                    int base = b * k * n + j;            // component a at base + a*n
                    double q = 0, yw = 0, yg = 0, wg = 0, yrg = 0;
                    for (int a = 0; a < k; a++) {
                        int i = base + a * n;
                        double yv = y.get(i), wv = w.get(i), gv = g.get(i);
                        q += yv * yv;
                        yw += yv * wv;
                        yg += yv * gv;
                        wg += wv * gv;
                        yrg += yv * rg.get(i);
                    }
                    double h = radial.h(q), dh = radial.dh(q), d2h = radial.d2h(q);
                    double cy = 2 * dh * yrg + 4 * d2h * yw * yg + 2 * dh * wg;   // coefficient of y
                    double cg = 2 * dh * yw;                                      // of G
                    double cw = 2 * dh * yg;                                      // of w
                    for (int a = 0; a < k; a++) {
                        int i = base + a * n;
                        out.set(i, h * rg.get(i) + cy * y.get(i) + cg * g.get(i) + cw * w.get(i));
                        if (gy != null) {
                            gy.set(i, h * g.get(i) + cw * y.get(i));              // J G, with 2 h' (y.G) = cw
                        }
                    }
                }
            }
        });
    }

    private static void check(CpuBuffer buf, UnitShape s, String what) {
        if (buf.length() != s.elements()) {
            throw new BackendException("norm_act: expected " + what + " with " + s.elements() + " elements ("
                    + s.channels() + "x" + s.batch() + "x" + s.k() + "), found " + buf.length());
        }
    }

    private static BackendException mixed(CpuBuffer a, CpuBuffer b) {
        return new BackendException("norm_act: expected one dtype for all buffers, found " + a.dtype() + " and "
                + b.dtype());
    }
}
