package org.goldstone.conservation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.goldstone.NonFiniteException;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.optim.OptimizerSpec;
import org.goldstone.train.MetricsLog;
import org.goldstone.train.Plots;

/**
 * Follows the charges of a net's {@link SymmetrySet}s through training with weight decay lambda and a constant
 * learning rate eta, next to two predictions per step (SCIENCE e.3, e.6). Fed one optimizer step at a time:
 * {@link #observe}(theta_n, d_n, theta_{n+1}) with {@code d_n = g_n + lambda theta_n} the gradient of the objective
 * (loss gradient g_n plus weight decay) that the optimizer consumed.
 *
 * <p><b>Plain SGD</b> ({@code theta_{n+1} = (1 - eta lambda) theta_n - eta g_n}), c = 1 - eta lambda:
 * <ul>
 *   <li>exact: translation {@code s_n = c^n s_0}; scale {@code |theta_A|^2_{n+1} = c^2 |theta_A|^2_n +
 *       eta^2 |g_A,n|^2}; rescale {@code Q_{n+1} = c^2 Q_n + eta^2 (|g_A1,n|^2 - |g_A2,n|^2)} (the cross terms
 *       vanish by the gradient constraints);</li>
 *   <li>continuous, as the Neural-Mechanics code evaluates it: {@code e^{-lambda t_n} s_0}, and
 *       {@code e^{-2 lambda t_n} (psi_0 + eta^2 B_n)} with the buffer {@code B_n = sum_{k<n} e^{2 lambda t_k}
 *       |d_k|^2} (rescale: difference of the A1 and A2 sums), t_k = eta k.</li>
 * </ul>
 * <p><b>Heavy-ball momentum</b> mu (PyTorch convention of {@link org.goldstone.optim.Optimizer}:
 * {@code v_{n+1} = mu v_n + d_n}, {@code theta_{n+1} = theta_n - eta v_{n+1}}), started from v_0 = 0:
 * <ul>
 *   <li>exact, translation: {@code u_{n+1} = mu u_n + lambda s_n}, {@code s_{n+1} = s_n - eta u_{n+1}},
 *       u = {@code <v, 1_A>}, u_0 = 0 (the gradient part vanishes);</li>
 *   <li>exact, scale/rescale [derived for this class from {@code <g_A, theta_A> = 0}]: with psi the charge,
 *       {@code J_n = <theta_n, v_{n+1}>_A} and {@code D_n = |theta_{n+1} - theta_n|_A^2} measured from the
 *       update, {@code psi_{n+1} = psi_n - 2 eta J_n + D_n}, {@code J_{n+1} = mu (J_n - D_n / eta) +
 *       lambda psi_{n+1}}, J_0 = lambda psi_0 (for rescale every norm and product is the A1 minus the A2 one);</li>
 *   <li>continuous: the damped oscillator of e.3 ({@link DampedOscillator}): {@code s_0 H_T(t)} for translation
 *       and {@code psi_0 H_S(t) + 2 eta sum_k G(t - t_k) |v_{k+1}|_A^2} for scale/rescale, t = eta n.</li>
 * </ul>
 * Nesterov, Adam and AdamW have no such laws and are rejected. Each call also checks that theta_{n+1} is the
 * optimizer's update of theta_n (to 1e-6 |theta_n|), so a missing weight-decay term or a stale velocity shows up.
 */
public final class ConservationMonitor {
    /** Largest |theta_{n+1} - update(theta_n)| / |theta_n| accepted: fp32 rounding passes, a wrong rule fails. */
    static final double UPDATE_TOLERANCE = 1e-6;

    private final List<SymmetrySet> sets;
    private final int paramCount;
    private final double eta, lambda, mu;
    private final boolean momentum;
    private final DampedOscillator translationOscillator, scaleOscillator;
    private final Series[] charge, exact, continuous, magnitude;
    private final double[] initial;        // charge at step 0
    private final double[] state, aux;     // exact prediction at step n; J (scale/rescale) or u (translation)
    private final double[] buffer;         // SGD: B_n; momentum: two oscillator buffers per set
    private final double[] velocity;       // momentum only
    private double[] expectedTheta;        // theta_{n+1} of the last call
    private int steps;

    /**
     * @param sets the monitored sets; indices below {@code paramCount}
     * @param optimizer SGD or (heavy-ball) MOMENTUM; its lr is eta (constant schedule)
     * @param weightDecay lambda >= 0, the L2 coefficient inside the objective gradient fed to {@link #observe}
     */
    public ConservationMonitor(List<SymmetrySet> sets, int paramCount, OptimizerSpec optimizer, double weightDecay) {
        if (sets == null || sets.isEmpty()) {
            throw new IllegalArgumentException("conservation monitor: expected at least one symmetry set, found none");
        }
        if (optimizer.kind() != OptimizerSpec.Kind.SGD && optimizer.kind() != OptimizerSpec.Kind.MOMENTUM) {
            throw new IllegalArgumentException("conservation monitor: expected SGD or MOMENTUM (exact laws exist only"
                    + " for these), found " + optimizer.kind());
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("conservation monitor: expected weight decay >= 0, found "
                    + weightDecay);
        }
        for (SymmetrySet s : sets) {
            if (s.maxIndex() >= paramCount) {
                throw new IllegalArgumentException("conservation monitor: set " + s.name() + " uses index "
                        + s.maxIndex() + ", expected < " + paramCount);
            }
        }
        this.sets = List.copyOf(sets);
        this.paramCount = paramCount;
        this.eta = optimizer.lr();
        this.lambda = weightDecay;
        this.momentum = optimizer.kind() == OptimizerSpec.Kind.MOMENTUM;
        this.mu = momentum ? optimizer.momentum() : 0.0;
        this.translationOscillator = momentum ? new DampedOscillator(eta, mu, lambda, 2.0) : null;
        this.scaleOscillator = momentum ? new DampedOscillator(eta, mu, lambda, 4.0) : null;
        int m = sets.size();
        charge = new Series[m];
        exact = new Series[m];
        continuous = new Series[m];
        magnitude = new Series[m];
        for (int i = 0; i < m; i++) {
            charge[i] = new Series();
            exact[i] = new Series();
            continuous[i] = new Series();
            magnitude[i] = new Series();
        }
        initial = new double[m];
        state = new double[m];
        aux = new double[m];
        buffer = new double[2 * m];
        velocity = momentum ? new double[paramCount] : null;
    }

    /** The sets of {@link SymmetrySets#of} for this net. */
    public static ConservationMonitor of(FeedForwardNet net, boolean crossEntropy, OptimizerSpec optimizer,
                                         double weightDecay) {
        return new ConservationMonitor(SymmetrySets.of(net, crossEntropy), net.paramCount(), optimizer, weightDecay);
    }

    public List<SymmetrySet> sets() {
        return sets;
    }

    /** Optimizer steps observed; the series hold steps() + 1 values (steps 0..steps()). */
    public int steps() {
        return steps;
    }

    /**
     * One optimizer step n -> n+1. theta: theta_n (must equal the previous call's thetaNext). objectiveGradient:
     * {@code g_n + lambda theta_n}, what the optimizer consumed. thetaNext: theta_{n+1}. All read, none kept.
     */
    public void observe(double[] theta, double[] objectiveGradient, double[] thetaNext) {
        requireVector("theta", theta);
        requireVector("objective gradient", objectiveGradient);
        requireVector("thetaNext", thetaNext);
        int n = steps;
        if (n > 0) {
            for (int p = 0; p < paramCount; p++) {
                if (Double.doubleToLongBits(theta[p]) != Double.doubleToLongBits(expectedTheta[p])) {
                    throw new IllegalArgumentException("conservation monitor, step " + n + ": theta[" + p + "] = "
                            + theta[p] + " is not the previous step's thetaNext[" + p + "] = " + expectedTheta[p]
                            + "; the laws need every step in order");
                }
            }
        }
        double[] direction = objectiveGradient;            // the update direction: d_n (SGD) or v_{n+1}
        if (momentum) {
            direction = new double[paramCount];
            for (int p = 0; p < paramCount; p++) {
                direction[p] = mu * velocity[p] + objectiveGradient[p];
            }
        }
        checkUpdate(n, theta, direction, thetaNext);       // validated: from here on the call only commits
        if (momentum) {
            System.arraycopy(direction, 0, velocity, 0, paramCount);
        }
        if (n == 0) {
            for (int i = 0; i < sets.size(); i++) {
                SymmetrySet s = sets.get(i);
                double c0 = s.charge(theta);
                initial[i] = c0;
                state[i] = c0;
                // momentum: J_0 = <theta_0, v_1>_A = lambda psi_0 (v_0 = 0, <g, theta>_A = 0); u_0 = 0
                aux[i] = momentum && s.kind() != SymmetrySet.Kind.TRANSLATION ? lambda * c0 : 0.0;
                record(i, c0, c0, c0, s.magnitude(theta));
            }
        }
        double[] lossGradient = null, delta = null;
        if (momentum) {
            delta = new double[paramCount];
            for (int p = 0; p < paramCount; p++) {
                delta[p] = thetaNext[p] - theta[p];
            }
        } else {
            lossGradient = new double[paramCount];
            for (int p = 0; p < paramCount; p++) {
                lossGradient[p] = objectiveGradient[p] - lambda * theta[p];
            }
        }
        double t = eta * (n + 1);
        for (int i = 0; i < sets.size(); i++) {
            SymmetrySet s = sets.get(i);
            boolean translation = s.kind() == SymmetrySet.Kind.TRANSLATION;
            double exactNext, continuousNext;
            if (!momentum) {
                double c = 1 - eta * lambda;
                if (translation) {
                    exactNext = Math.pow(c, n + 1) * initial[i];
                    continuousNext = Math.exp(-lambda * t) * initial[i];
                } else {
                    exactNext = c * c * state[i] + eta * eta * s.form(lossGradient, lossGradient);
                    // code-style buffer: B_{n+1} = B_n + e^{2 lambda t_n} |d_n|^2, d_n including weight decay
                    buffer[2 * i] += Math.exp(2 * lambda * eta * n) * s.form(objectiveGradient, objectiveGradient);
                    continuousNext = Math.exp(-2 * lambda * t) * (initial[i] + eta * eta * buffer[2 * i]);
                }
            } else if (translation) {
                double u = mu * aux[i] + lambda * state[i];
                aux[i] = u;
                exactNext = state[i] - eta * u;
                continuousNext = initial[i] * translationOscillator.homogeneous(t);
            } else {
                double d = s.form(delta, delta);               // |theta_{n+1} - theta_n|_A^2 = eta^2 |v_{n+1}|_A^2
                exactNext = state[i] - 2 * eta * aux[i] + d;
                aux[i] = mu * (aux[i] - d / eta) + lambda * exactNext;
                scaleOscillator.advanceInPlace(buffer, i, s.form(velocity, velocity));
                continuousNext = initial[i] * scaleOscillator.homogeneous(t)
                        + 2 * eta * scaleOscillator.forced(buffer, i);
            }
            state[i] = exactNext;
            record(i, s.charge(thetaNext), exactNext, continuousNext, s.magnitude(thetaNext));
        }
        expectedTheta = thetaNext.clone();
        steps++;
    }

    private void record(int i, double value, double exactValue, double continuousValue, double size) {
        charge[i].add(value);
        exact[i].add(exactValue);
        continuous[i].add(continuousValue);
        magnitude[i].add(size);
    }

    private void requireVector(String what, double[] v) {
        if (v == null || v.length != paramCount) {
            throw new IllegalArgumentException("conservation monitor: expected " + what + " of " + paramCount
                    + " values, found " + (v == null ? "null" : v.length));
        }
        for (int p = 0; p < paramCount; p++) {
            if (!Double.isFinite(v[p])) {
                throw new NonFiniteException(steps, "conservation monitor", what + "[" + p + "] = " + v[p]);
            }
        }
    }

    private void checkUpdate(int n, double[] theta, double[] direction, double[] thetaNext) {
        double err = 0, size = 0;
        for (int p = 0; p < paramCount; p++) {
            double e = thetaNext[p] - (theta[p] - eta * direction[p]);
            err += e * e;
            size += theta[p] * theta[p];
        }
        if (Math.sqrt(err) > UPDATE_TOLERANCE * Math.sqrt(size)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "conservation monitor, step %d: thetaNext"
                    + " is not the %s update of theta (|error| = %.3e, expected <= %.1e |theta| = %.3e); was the"
                    + " weight-decay term in the gradient, and did the velocity start at 0?", n,
                    momentum ? "momentum" : "SGD", Math.sqrt(err), UPDATE_TOLERANCE,
                    UPDATE_TOLERANCE * Math.sqrt(size)));
        }
    }

    /** Measured charges of set i at steps 0..steps(). */
    public double[] charges(int set) {
        return charge[set].toArray();
    }

    /** The exact discrete law's prediction for set i at steps 0..steps(). */
    public double[] exactPrediction(int set) {
        return exact[set].toArray();
    }

    /** The Neural-Mechanics continuous prediction for set i at steps 0..steps(). */
    public double[] continuousPrediction(int set) {
        return continuous[set].toArray();
    }

    /** Per set, the largest deviations from both predictions so far, with their scales. */
    public List<Deviation> deviations() {
        requireSteps();
        List<Deviation> out = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            double ex = 0, co = 0, abs = 0, mag = 0;
            for (int n = 0; n <= steps; n++) {
                double v = charge[i].get(n);
                ex = Math.max(ex, Math.abs(v - exact[i].get(n)));
                co = Math.max(co, Math.abs(v - continuous[i].get(n)));
                abs = Math.max(abs, Math.abs(v));
                mag = Math.max(mag, magnitude[i].get(n));
            }
            out.add(new Deviation(sets.get(i), ex, co, abs, mag));
        }
        return out;
    }

    /**
     * The rows of one step for a {@link MetricsLog}, one per set (long format): step, t = eta step, set, kind,
     * charge, exact, continuous, exact_deviation = charge - exact, continuous_deviation = charge - continuous.
     */
    public List<Map<String, Object>> rows(int step) {
        requireSteps();
        if (step < 0 || step > steps) {
            throw new IllegalArgumentException("conservation monitor: expected a step in 0.." + steps + ", found "
                    + step);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            double v = charge[i].get(step), e = exact[i].get(step), c = continuous[i].get(step);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            row.put("t", eta * step);
            row.put("set", sets.get(i).name());
            row.put("kind", sets.get(i).kind().name().toLowerCase(Locale.ROOT));
            row.put("charge", v);
            row.put("exact", e);
            row.put("continuous", c);
            row.put("exact_deviation", v - e);
            row.put("continuous_deviation", v - c);
            out.add(row);
        }
        return out;
    }

    /** Writes every row of steps 0..steps() to {@code dir/metrics.csv} and {@code dir/metrics.jsonl} (truncated). */
    public void writeLog(Path dir) {
        requireSteps();
        try (MetricsLog log = new MetricsLog(dir, false)) {
            for (int n = 0; n <= steps; n++) {
                for (Map<String, Object> row : rows(n)) {
                    log.log(row);
                }
            }
        }
    }

    /**
     * PNGs in {@code dir}: per set, {@code <kind>-<index>.png} with the measured charge and both predictions against
     * the step; per kind, {@code <kind>-deviation.png} with max over its sets of |charge - prediction| / max|charge|
     * on a log axis (zeros are left out). Returns the files written.
     */
    public List<Path> plot(Path dir) {
        requireSteps();
        double[] xs = new double[steps + 1];
        for (int n = 0; n <= steps; n++) {
            xs[n] = n;
        }
        List<Path> written = new ArrayList<>();
        for (SymmetrySet.Kind kind : SymmetrySet.Kind.values()) {
            String stem = kind.name().toLowerCase(Locale.ROOT);
            double[] worstExact = new double[steps + 1], worstContinuous = new double[steps + 1];
            int index = 0;
            for (int i = 0; i < sets.size(); i++) {
                if (sets.get(i).kind() != kind) {
                    continue;
                }
                Map<String, double[][]> series = new LinkedHashMap<>();
                series.put("measured", new double[][] {xs, charges(i)});
                series.put("exact law", new double[][] {xs, exactPrediction(i)});
                series.put("continuous (NM)", new double[][] {xs, continuousPrediction(i)});
                Path png = dir.resolve(String.format(Locale.ROOT, "%s-%02d.png", stem, index++));
                Plots.lines(png, stem + ": " + sets.get(i).name(), "step", chargeLabel(kind), series, false);
                written.add(png);
                double scale = 0;
                for (int n = 0; n <= steps; n++) {
                    scale = Math.max(scale, Math.abs(charge[i].get(n)));
                }
                for (int n = 0; n <= steps; n++) {
                    double v = charge[i].get(n);
                    worstExact[n] = Math.max(worstExact[n], Math.abs(v - exact[i].get(n)) / scale);
                    worstContinuous[n] = Math.max(worstContinuous[n], Math.abs(v - continuous[i].get(n)) / scale);
                }
            }
            if (index == 0) {
                continue;
            }
            Map<String, double[][]> series = new LinkedHashMap<>();
            series.put("exact law", new double[][] {xs, worstExact});
            series.put("continuous (NM)", new double[][] {xs, worstContinuous});
            Path png = dir.resolve(stem + "-deviation.png");
            Plots.lines(png, stem + ": max over " + index + " sets of |deviation| / max|charge|", "step",
                    "relative deviation", series, true);
            written.add(png);
        }
        return written;
    }

    private static String chargeLabel(SymmetrySet.Kind kind) {
        switch (kind) {
            case TRANSLATION: return "<theta_A, 1>";
            case SCALE: return "|theta_A|^2";
            default: return "|theta_A1|^2 - |theta_A2|^2";
        }
    }

    private void requireSteps() {
        if (steps == 0) {
            throw new IllegalStateException("conservation monitor: no step observed yet");
        }
    }
}
