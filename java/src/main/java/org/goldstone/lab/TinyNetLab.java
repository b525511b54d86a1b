package org.goldstone.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.cpu.CpuBackend;
import org.goldstone.data.Dataset;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.loss.Loss;
import org.goldstone.minimize.Polish;
import org.goldstone.minimize.Result;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.symmetry.GoldstoneCounter;
import org.goldstone.symmetry.GoldstoneReport;

/**
 * Trains tiny networks in fp64 to a polished minimum of F = mean loss + (lambda/2)|theta|^2 (BFGS, then Newton with
 * the pseudo-inverse) on N Gaussian inputs with random labels, and counts the exact zero modes of the Hessian
 * against the symmetry prediction (SCIENCE d.7, g.7-g.9, h.1-h.2).
 */
public final class TinyNetLab {
    /** Zero modes: |mu| below this times lambda_max (the measured gaps are many orders of magnitude wide, h.1). */
    public static final double ZERO_TOLERANCE = 1e-9;

    private TinyNetLab() {
    }

    /**
     * One experiment.
     *
     * @param group "U(1)", "O(k)" or "tanh" (the real baseline)
     * @param widths channels per level: widths.length - 1 internal layers (the d.7 notation n = [n_0, ..., n_L])
     */
    public record Case(String group, int inputs, int width, int depth, int classes, int samples, String loss,
                       RadialProfile profile, double lambda, long seed) {
        public NetSpec spec() {
            NetSpec.Builder b = NetSpec.builder().inputs(inputs).readout(classes);
            if (group.equalsIgnoreCase("tanh")) {
                b.dense(width, Activation.TANH).hidden(depth);
            } else {
                b.embed(Group.parse(group), width).equivariant(depth, profile);
            }
            return b.build();
        }

        /** The d.7 prediction: zero modes and eigenvalues equal to lambda. */
        public int[] predicted() {
            NetSpec s = spec();
            boolean ce = loss.equals("ce");
            if (!s.equivariant()) {
                return new int[] {0, ce ? width + 1 : 0};
            }
            int k = s.symmetry().unitDim();
            int zero = s.symmetry().label().equals("U(1)") ? (depth + 1) * width : k * (k - 1) / 2;
            return new int[] {zero, ce ? width * k + 1 : 0};
        }
    }

    /** What a case produced. */
    public record Outcome(Case c, Result minimum, GoldstoneReport report, double seconds) { }

    /** The standard set: U(1), O(2), O(3), O(4) and the tanh baseline, with MSE and cross-entropy. */
    public static List<Case> standardCases() {
        List<Case> cases = new ArrayList<>();
        String[] groups = {"U(1)", "O(2)", "O(3)", "O(4)", "tanh"};
        for (String g : groups) {
            for (String loss : new String[] {"mse", "ce"}) {
                int samples = g.equals("O(4)") ? 400 : 300;
                cases.add(new Case(g, 3, 3, 1, 2, samples, loss, RadialProfile.ALG, 1e-3, 7));
            }
        }
        return cases;
    }

    /** A data set of N standard-normal inputs with uniformly random labels. */
    static Dataset gaussianData(int n, int d, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
            x[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new Dataset("gaussian(n=" + n + ",d=" + d + ",seed=" + seed + ")", d, classes, x, y);
    }

    /** Trains the case to a polished minimum and counts. */
    public static Outcome run(Case c) {
        long t0 = System.nanoTime();
        NetSpec spec = c.spec();
        FeedForwardNet net = FeedForwardNet.of(spec);
        Dataset data = gaussianData(c.samples(), c.inputs(), c.classes(), c.seed());
        try (Backend be = new CpuBackend(1)) {
            NetObjective f = new NetObjective(net, data, Loss.parse(c.loss()), c.lambda(), null, be);
            double[] theta0 = net.initialParameters(new SplittableRandom(c.seed() + 1));
            Result r = Polish.minimize(f, theta0, 1e-8, 1e-13, 20000, 40);
            GoldstoneReport report = GoldstoneCounter.count(net, r.theta(), r.gradient(), c.lambda(),
                    c.loss().equals("ce"), r.hessian(), ZERO_TOLERANCE);
            return new Outcome(c, r, report, (System.nanoTime() - t0) / 1e9);
        }
    }
}
