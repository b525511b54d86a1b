package org.goldstone.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;

/**
 * fp32 SIMD norm nonlinearity for the ALG and RTANH profiles on the JDK Vector API: a vector of L neighbouring
 * channels j of one sample at a time, h(q) and h'(q) lane-wise: ALG exactly as {@link RadialProfile}, RTANH
 * through the rational approximation of {@link VectorMath} (fp32-accurate, bit-reproducible, no series branch
 * needed). Channels past the last full vector use the plain loops of {@link CpuNormAct}, its twin. Loaded only when
 * the module is present.
 */
final class VectorNormAct {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorNormAct() {
    }

    static boolean supports(Radial radial) {
        return radial.profile() == RadialProfile.ALG || radial.profile() == RadialProfile.RTANH;
    }

    /** Number of leading channels [0, vectorChannels(n)) this class handles; the rest go to the scalar twin. */
    static int vectorChannels(int n) {
        return n - n % S.length();
    }

    private static FloatVector h(RadialProfile p, FloatVector q) {
        if (p == RadialProfile.ALG) {
            return FloatVector.broadcast(S, 1f).div(q.add(1f).sqrt());
        }
        return VectorMath.tanhOverR(q);
    }

    private static FloatVector dh(RadialProfile p, FloatVector q, FloatVector h) {
        if (p == RadialProfile.ALG) {
            return h.mul(h).mul(h).mul(-0.5f);
        }
        return VectorMath.tanhOverRDerivative(q, h);
    }

    private static FloatVector d2h(RadialProfile p, FloatVector q, FloatVector h) {
        if (p == RadialProfile.ALG) {
            FloatVector h2 = h.mul(h);
            return h2.mul(h2).mul(h).mul(0.75f);                   // (3/4) (1+q)^{-5/2}
        }
        return VectorMath.tanhOverRSecondDerivative(q, h);
    }

    /**
     * R{G_y} = h R{G} + c_y y + c_G G + c_w w with w = R{y}, G = G_z (see {@link org.goldstone.backend.NormActOps
     * #ropBackward}), for samples [from, to) and channels [0, vectorChannels(n)).
     */
    static void ropBackward(RadialProfile p, float[] y, int yOff, float[] w, int wOff, float[] g, int gOff, float[] rg,
                            int rgOff, float[] out, int outOff, int n, int k, int from, int to) {
        ropBackward(p, y, yOff, w, wOff, g, gOff, rg, rgOff, out, outOff, null, 0, n, k, from, to);
    }

    /** As above, and when {@code gy} is not null also G_y = h G + 2 h' (y.G) y (the plain backward) in the same
     * pass. */
    static void ropBackward(RadialProfile p, float[] y, int yOff, float[] w, int wOff, float[] g, int gOff, float[] rg,
                            int rgOff, float[] out, int outOff, float[] gy, int gyOff, int n, int k, int from,
                            int to) {
        int l = S.length(), nv = vectorChannels(n);
        for (int b = from; b < to; b++) {
            int base = b * k * n;
            for (int j = 0; j < nv; j += l) {
                FloatVector q = FloatVector.zero(S), yw = q, yg = q, wg = q, yrg = q;
                for (int a = 0; a < k; a++) {
                    int i = base + a * n + j;
                    FloatVector yv = FloatVector.fromArray(S, y, yOff + i);
                    FloatVector wv = FloatVector.fromArray(S, w, wOff + i);
                    FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
                    q = yv.fma(yv, q);
                    yw = yv.fma(wv, yw);
                    yg = yv.fma(gv, yg);
                    wg = wv.fma(gv, wg);
                    yrg = yv.fma(FloatVector.fromArray(S, rg, rgOff + i), yrg);
                }
                FloatVector h = h(p, q), dh = dh(p, q, h), d2h = d2h(p, q, h);
                FloatVector cy = dh.mul(yrg.add(wg)).mul(2f).add(d2h.mul(yw).mul(yg).mul(4f));
                FloatVector cg = dh.mul(yw).mul(2f), cw = dh.mul(yg).mul(2f);
                for (int a = 0; a < k; a++) {
                    int i = base + a * n + j;
                    FloatVector yv = FloatVector.fromArray(S, y, yOff + i), gv = FloatVector.fromArray(S, g, gOff + i);
                    FloatVector.fromArray(S, rg, rgOff + i).mul(h)
                            .add(yv.mul(cy))
                            .add(gv.mul(cg))
                            .add(FloatVector.fromArray(S, w, wOff + i).mul(cw))
                            .intoArray(out, outOff + i);
                    if (gy != null) {
                        gv.mul(h).add(yv.mul(cw)).intoArray(gy, gyOff + i);          // 2 h' (y.G) = cw
                    }
                }
            }
        }
    }

    /** z = h(q) y for samples [from, to) and channels [0, vectorChannels(n)). */
    static void forward(RadialProfile p, float[] y, int yOff, float[] z, int zOff, int n, int k, int from, int to) {
        int l = S.length(), nv = vectorChannels(n);
        for (int b = from; b < to; b++) {
            int base = b * k * n;
            for (int j = 0; j < nv; j += l) {
                FloatVector q = FloatVector.zero(S);
                for (int a = 0; a < k; a++) {
                    FloatVector v = FloatVector.fromArray(S, y, yOff + base + a * n + j);
                    q = v.fma(v, q);
                }
                FloatVector h = h(p, q);
                for (int a = 0; a < k; a++) {
                    FloatVector.fromArray(S, y, yOff + base + a * n + j).mul(h).intoArray(z, zOff + base + a * n + j);
                }
            }
        }
    }

    /** G_y = h G_z + 2 h'(q) (y . G_z) y for samples [from, to) and channels [0, vectorChannels(n)). */
    static void backward(RadialProfile p, float[] y, int yOff, float[] gz, int gzOff, float[] gy, int gyOff, int n,
                         int k, int from, int to) {
        int l = S.length(), nv = vectorChannels(n);
        for (int b = from; b < to; b++) {
            int base = b * k * n;
            for (int j = 0; j < nv; j += l) {
                FloatVector q = FloatVector.zero(S), dot = FloatVector.zero(S);
                for (int a = 0; a < k; a++) {
                    FloatVector v = FloatVector.fromArray(S, y, yOff + base + a * n + j);
                    q = v.fma(v, q);
                    dot = v.fma(FloatVector.fromArray(S, gz, gzOff + base + a * n + j), dot);
                }
                FloatVector h = h(p, q);
                FloatVector c = dh(p, q, h).mul(dot).mul(2f);
                for (int a = 0; a < k; a++) {
                    FloatVector v = FloatVector.fromArray(S, y, yOff + base + a * n + j);
                    FloatVector g = FloatVector.fromArray(S, gz, gzOff + base + a * n + j);
                    g.mul(h).add(v.mul(c)).intoArray(gy, gyOff + base + a * n + j);
                }
            }
        }
    }
}
