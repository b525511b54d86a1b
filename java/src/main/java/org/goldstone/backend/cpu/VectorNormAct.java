package org.goldstone.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;

/**
 * fp32 SIMD norm nonlinearity for the ALG and RTANH profiles on the JDK Vector API: a vector of L neighbouring
 * channels j of one sample at a time, h(q) and h'(q) lane-wise (tanh from {@link VectorMath}, bit-reproducible).
 * Same formulas and the same RTANH series branch below q = 1e-2 as {@link RadialProfile}; channels past the last
 * full vector use the plain loops of {@link CpuNormAct}, its twin. Loaded only when the module is present.
 */
final class VectorNormAct {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float SERIES_Q = 1e-2f;

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
        FloatVector r = q.sqrt();
        FloatVector big = VectorMath.tanh(r).div(r);
        FloatVector series = q.mul(-1382f / 155925f).add(62f / 2835f).mul(q).add(-17f / 315f).mul(q)
                .add(2f / 15f).mul(q).add(-1f / 3f).mul(q).add(1f);
        return big.blend(series, q.lt(SERIES_Q));
    }

    private static FloatVector dh(RadialProfile p, FloatVector q, FloatVector h) {
        if (p == RadialProfile.ALG) {
            return h.mul(h).mul(h).mul(-0.5f);
        }
        FloatVector r = q.sqrt();
        FloatVector t = VectorMath.tanh(r);
        FloatVector s = t.mul(t).neg().add(1f);
        FloatVector big = r.mul(s).sub(t).div(r.mul(r).mul(r).mul(2f));
        FloatVector series = q.mul(-1382f / 31185f).add(248f / 2835f).mul(q).add(-17f / 105f).mul(q)
                .add(4f / 15f).mul(q).add(-1f / 3f);
        VectorMask<Float> small = q.lt(SERIES_Q);
        return big.blend(series, small);
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
