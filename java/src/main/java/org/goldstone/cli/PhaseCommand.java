package org.goldstone.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.goldstone.group.Group;
import org.goldstone.layer.Radial;
import org.goldstone.layer.RadialProfile;
import org.goldstone.meanfield.BesselKernel;
import org.goldstone.meanfield.CrossCovariance;
import org.goldstone.meanfield.FiniteWidth;
import org.goldstone.meanfield.FixedPoint;
import org.goldstone.meanfield.MeanField;
import org.goldstone.meanfield.PhaseDiagram;
import org.goldstone.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code goldstone phase}: the order-parameter phase diagram of SCIENCE b.5 (items 1 to 5). Sweeps sigma_w, prints
 * mean-field q*, the simulated q at depth, chi_1 and the depth scale, measures the critical sigma_w from the
 * simulations, and writes {@code phase.csv}, {@code depth.csv}, {@code order_parameter.png} and {@code depth.png}.
 */
@Command(name = "phase", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Mean-field phase diagram (q*, chi_1, depth scales) against seeded finite-width simulations,"
                + " with the measured critical sigma_w.")
final class PhaseCommand implements Callable<Integer> {
    @Option(names = "--profile", description = "Radial profile (ALG, RTANH, GATE, ...). Default: ${DEFAULT-VALUE}")
    String profile = "ALG";

    @Option(names = "--group", description = "U(1) or O(k). Default: ${DEFAULT-VALUE}")
    String group = "U(1)";

    @Option(names = "--from", description = "Smallest sigma_w (default: 0.7 sigma_c).")
    Double from;

    @Option(names = "--to", description = "Largest sigma_w (default: 2 sigma_c).")
    Double to;

    @Option(names = "--points", description = "sigma_w values, evenly spaced. Default: ${DEFAULT-VALUE}")
    int points = 14;

    @Option(names = "--width", description = "Simulated channels n. Default: ${DEFAULT-VALUE}")
    int width = 512;

    @Option(names = "--depth", description = "Simulated depth L (the critical estimate crosses L/4 and L)."
            + " Default: ${DEFAULT-VALUE}")
    int depth = 100;

    @Option(names = "--seeds", description = "Simulations per point. Default: ${DEFAULT-VALUE}")
    int seeds = 4;

    @Option(names = "--batch", description = "Independent inputs per simulation. Default: ${DEFAULT-VALUE}")
    int batch = 8;

    @Option(names = "--q0", description = "Input order parameter E|y^0|^2. Default: ${DEFAULT-VALUE}")
    double q0 = 1.0;

    @Option(names = "--sampling", description = "gram (exact in law, fast) or weights (explicit matrices)."
            + " Default: ${DEFAULT-VALUE}")
    String sampling = "gram";

    @Option(names = "--seed", description = "Root seed. Default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--out", description = "Output directory (default: runs/phase-TIMESTAMP).")
    Path out;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        Radial radial = Radial.of(RadialProfile.parse(profile));
        Group g = Group.parse(group);
        FiniteWidth.Sampling s = parseSampling(sampling);
        MeanField mf = MeanField.of(radial, g);
        double sigmaC = mf.criticalSigmaW();
        boolean continuous = sigmaC > 0 && Double.isFinite(sigmaC);
        double lo = from != null ? from : 0.7 * (continuous ? sigmaC : 1);
        double hi = to != null ? to : 2.0 * (continuous ? sigmaC : 1);
        PhaseDiagram.Config cfg = new PhaseDiagram.Config(radial, g, lo, hi, points, width, depth, seeds, batch, q0,
                seed, s);
        System.out.printf(Locale.ROOT, "%s %s, k = %d: mean-field sigma_c = 1/h(0) = %.6f (sigma_c^2 = %.6f);"
                        + " simulations n = %d, depth %d, %d seeds x %d inputs, %s sampling%n", g.label(),
                radial.profile(), mf.k(), sigmaC, sigmaC * sigmaC, width, depth, seeds, batch,
                s.name().toLowerCase(Locale.ROOT));
        long t0 = System.nanoTime();
        PhaseDiagram.Result r = PhaseDiagram.run(cfg);
        double seconds = (System.nanoTime() - t0) * 1e-9;

        System.out.println("sigma_w   sigma_w^2   q* (MF)     q^L (sim)   +- std     chi_1     dq'/dq    xi");
        for (PhaseDiagram.Row row : r.rows()) {
            FixedPoint p = row.meanField();
            System.out.printf(Locale.ROOT, "%-8.4f  %-10.4f  %-10.5g  %-10.4g  %-9.2e  %-8.5f  %-8.5f  %s%n",
                    row.sigmaW(), p.sigmaW2(), p.q(), row.qSimulated(), row.qSimulatedStd(), p.chi1(), p.chiQ(),
                    Double.isFinite(p.depthScale()) ? String.format(Locale.ROOT, "%.3f", p.depthScale()) + (
                            p.broken() ? " (xi_q)" : " (xi_0)") : "inf");
        }
        FiniteWidth.Critical m = r.measured();
        if (m != null) {
            System.out.printf(Locale.ROOT, "critical sigma_w: mean field %.5f, measured %.5f (%+.2f %%; L q_L"
                            + " crossing of depths %d and %d, %d sweeps)%n", sigmaC, m.sigmaW(),
                    100 * m.relativeError(), m.shallow(), m.deep(), m.evaluations());
        } else {
            System.out.println("critical sigma_w: " + radial.profile() + " has no continuous transition (h(0) = "
                    + radial.h0() + ")");
        }

        Path dir = out != null ? out : RunLauncher.defaultRunDir("phase");
        Files.createDirectories(dir);
        Path phaseCsv = dir.resolve("phase.csv");
        StringBuilder csv = new StringBuilder("sigma_w,sigma_w2,q_mf,q_sim,q_sim_std,radial,tangential,chi1,dqdq,xi\n");
        for (PhaseDiagram.Row row : r.rows()) {
            FixedPoint p = row.meanField();
            csv.append(String.format(Locale.ROOT, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g%n",
                    row.sigmaW(), p.sigmaW2(), p.q(), row.qSimulated(), row.qSimulatedStd(), p.radialMultiplier(),
                    p.tangentialMultiplier(), p.chi1(), p.chiQ(), p.depthScale()));
        }
        write(phaseCsv, csv.toString());

        Map<String, double[][]> orderSeries = new LinkedHashMap<>();
        orderSeries.put("mean field q*", r.curve());
        double[][] sim = new double[2][r.rows().size()];
        double qMax = 0;
        for (int i = 0; i < sim[0].length; i++) {
            PhaseDiagram.Row row = r.rows().get(i);
            sim[0][i] = row.sigmaW() * row.sigmaW();
            sim[1][i] = row.qSimulated();
            qMax = Math.max(qMax, Math.max(row.qSimulated(), row.meanField().q()));
        }
        orderSeries.put(String.format(Locale.ROOT, "simulated q^%d (n = %d)", depth, width), sim);
        if (continuous) {
            orderSeries.put("sigma_c^2 (mean field)", vertical(sigmaC * sigmaC, qMax));
            if (m != null) {
                orderSeries.put("sigma_c^2 (measured)", vertical(m.sigmaW() * m.sigmaW(), qMax));
            }
        }
        Path orderPng = dir.resolve("order_parameter.png");
        Plots.lines(orderPng, g.label() + " " + radial.profile() + ": order parameter", "sigma_w^2",
                "q = E|y|^2", orderSeries, false);

        Path depthCsv = dir.resolve("depth.csv");
        Path depthPng = dir.resolve("depth.png");
        if (!r.profiles().isEmpty()) {
            Map<String, double[][]> depthSeries = new LinkedHashMap<>();
            StringBuilder dcsv = new StringBuilder("l");
            for (PhaseDiagram.DepthProfile dp : r.profiles()) {
                dcsv.append(String.format(Locale.ROOT, ",mf_%.4f,sim_%.4f", dp.sigmaW(), dp.sigmaW()));
            }
            dcsv.append(",critical_power_law\n");
            double[] ls = new double[depth + 1];
            double[] law = new double[depth + 1];
            for (int l = 0; l <= depth; l++) {
                ls[l] = l;
                law[l] = l == 0 ? Double.NaN : mf.criticalDecay(l);
            }
            for (int l = 0; l <= depth; l++) {
                dcsv.append(l);
                for (PhaseDiagram.DepthProfile dp : r.profiles()) {
                    dcsv.append(String.format(Locale.ROOT, ",%.17g,%.17g", dp.meanField()[l], dp.simulated()[l]));
                }
                dcsv.append(String.format(Locale.ROOT, ",%.17g%n", law[l]));
            }
            write(depthCsv, dcsv.toString());
            for (PhaseDiagram.DepthProfile dp : r.profiles()) {
                String label = String.format(Locale.ROOT, "sigma_w^2 = %.3f", dp.sigmaW() * dp.sigmaW());
                depthSeries.put(label + " MF", new double[][] {ls, dp.meanField()});
                depthSeries.put(label + " sim", new double[][] {ls, dp.simulated()});
            }
            depthSeries.put("k/(2a(k+2) l) at sigma_c", new double[][] {ls, law});
            Plots.lines(depthPng, g.label() + " " + radial.profile() + ": q^l below / at / above sigma_c", "layer l",
                    "q^l", depthSeries, true);
        }
        long t1 = System.nanoTime();
        Path gainCsv = dir.resolve("goldstone_gain.csv");
        Path gainPng = dir.resolve("goldstone_gain.png");
        boolean gain = goldstoneGain(g, radial, r.rows(), gainCsv, gainPng);
        Path pairsCsv = dir.resolve("pairs.csv");
        Path pairsPng = dir.resolve("pairs.png");
        boolean pairs = !r.profiles().isEmpty();
        if (pairs) {
            twoInputs(g, radial, s, r.profiles(), pairsCsv, pairsPng);
        }
        seconds += (System.nanoTime() - t1) * 1e-9;
        System.out.printf(Locale.ROOT, "wrote %s, %s%s, %s%s%s (%.1f s)%n", phaseCsv, orderPng,
                r.profiles().isEmpty() ? "" : ", " + depthCsv + ", " + depthPng, gainCsv, gain ? ", " + gainPng : "",
                pairs ? ", " + pairsCsv + ", " + pairsPng : "", seconds);
        return 0;
    }

    /** Level-0 overlap modulus of the two-input traces (c-hat for U(1); the singular values of C_12 for O(k)). */
    static final double PAIR_OVERLAP = 0.9;
    /** Level-0 phase of the U(1) pair (SCIENCE b.2's finite-width example). */
    static final double PAIR_PHASE = -0.70;

    /**
     * SCIENCE b.5 items 3 and 5 at the depth-profile sigma_w values (below, at, above sigma_c). U(1): the overlap
     * modulus c-hat^l (mean field through the Bessel kernel, and simulated) and the phase drift |arg c^l - arg c^0|
     * (0 in mean field) of a pair with c-hat^0 = 0.9, phase -0.70. O(k): the distance of the polar factor of the
     * simulated cross-covariance C_12^l from that of C_12^0 (0 in mean field) and the overlap |C_12|_F / sqrt(q1 q2),
     * for C_12^0 = 0.9 (q0/k) R with R a Haar-random element of O(k). Prints one line per sigma_w, writes the CSV and a plot.
     */
    private void twoInputs(Group g, Radial radial, FiniteWidth.Sampling sampling,
                           List<PhaseDiagram.DepthProfile> profiles, Path csvFile, Path png) throws IOException {
        boolean complex = g.label().equals("U(1)");
        int k = g.unitDim();
        SplittableRandom root = new SplittableRandom(seed ^ 0x7A1B_5EEDL);
        double[][] c0 = new double[k][k];
        if (!complex) {
            double[][] rot = CrossCovariance.matrix(g.sample(root.split()));
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    c0[a][b] = PAIR_OVERLAP * q0 / k * rot[a][b];
                }
            }
            System.out.printf(Locale.ROOT, "two inputs (b.5 item %s): C_12^0 = %.2f (q0/k) R, R Haar-random in O(k);"
                    + " simulated n = %d, depth %d%s%n", k == 1 ? "3, the real baseline" : "5", PAIR_OVERLAP, width,
                    depth, k == 1 ? " (k = 1: the overlap is the correlation c^l of the tanh MLP)" : "");
            System.out.println("sigma_w   |polar(C^L) - polar(C^0)|_F   max over l   overlap^L (sim)");
        } else {
            System.out.printf(Locale.ROOT, "two inputs (b.2, b.5 item 3): c-hat^0 = %.2f, phase %.2f; simulated n = %d,"
                    + " depth %d%n", PAIR_OVERLAP, PAIR_PHASE, width, depth);
            System.out.println("sigma_w   c-hat^L (MF)   c-hat^L (sim)   |arg c^L - arg c^0| (sim; MF 0)");
        }
        BesselKernel kernel = complex ? BesselKernel.of(radial) : null;
        StringBuilder csv = new StringBuilder("l");
        List<double[]> columns = new ArrayList<>();
        Map<String, double[][]> series = new LinkedHashMap<>();
        double[] ls = new double[depth + 1];
        for (int l = 0; l <= depth; l++) {
            ls[l] = l;
        }
        for (PhaseDiagram.DepthProfile dp : profiles) {
            double sw = dp.sigmaW();
            FiniteWidth.Setup setup = new FiniteWidth.Setup(radial, g, width, depth, sw, sampling);
            String tag = String.format(Locale.ROOT, "%.4f", sw);
            String label = String.format(Locale.ROOT, "sigma_w^2 = %.3f", sw * sw);
            if (complex) {
                double[] mf = kernel.cHatOrbit(sw, q0, PAIR_OVERLAP, depth);
                FiniteWidth.PhaseTrace t = FiniteWidth.twoInputs(setup, q0, PAIR_OVERLAP, PAIR_PHASE, root.split());
                double[] drift = new double[depth + 1];
                for (int l = 0; l <= depth; l++) {
                    drift[l] = t.phaseDrift(0, l);
                }
                System.out.printf(Locale.ROOT, "%-8.4f  %-13.5g  %-14.5g  %.4g%n", sw, mf[depth], t.cHat()[depth],
                        drift[depth]);
                csv.append(",chat_mf_").append(tag).append(",chat_sim_").append(tag).append(",phase_drift_")
                        .append(tag);
                columns.add(mf);
                columns.add(t.cHat());
                columns.add(drift);
                series.put(label + " c-hat MF", new double[][] {ls, mf});
                series.put(label + " c-hat sim", new double[][] {ls, t.cHat()});
                series.put(label + " |phase drift| sim", new double[][] {ls, drift});
            } else {
                FiniteWidth.PolarTrace t = FiniteWidth.polarTrace(setup, q0, c0, root.split());
                double worst = 0;
                for (double d : t.polarDistance()) {
                    worst = Math.max(worst, d);
                }
                System.out.printf(Locale.ROOT, "%-8.4f  %-28.4g  %-11.4g  %.4g%n", sw, t.polarDistance()[depth], worst,
                        t.overlap()[depth]);
                csv.append(",polar_distance_").append(tag).append(",overlap_").append(tag);
                columns.add(t.polarDistance());
                columns.add(t.overlap());
                series.put(label + " polar distance", new double[][] {ls, t.polarDistance()});
                series.put(label + " overlap", new double[][] {ls, t.overlap()});
            }
        }
        csv.append('\n');
        for (int l = 0; l <= depth; l++) {
            csv.append(l);
            for (double[] col : columns) {
                csv.append(String.format(Locale.ROOT, ",%.17g", col[l]));
            }
            csv.append('\n');
        }
        write(csvFile, csv.toString());
        Plots.lines(png, g.label() + " " + radial.profile() + (complex ? ": two-input overlap and phase"
                : ": two-input polar factor"), "layer l", complex ? "c-hat, |phase drift|" : "distance, overlap",
                series, false);
    }


    /**
     * SCIENCE b.5 item 4: per sigma_w, the deep Jacobian's gain along the generator direction A Z_0 (U(1): i; O(k):
     * the rotation generator of components 0 and 1), which equivariance makes exactly |A y_L| / |A y_0|, against
     * its gain along a random direction (about chi_1^(L/2)), on explicit weights of the simulated width and depth
     * (one seed per point). Prints a table, writes the CSV and a log-scale plot.
     */
    private boolean goldstoneGain(Group g, Radial radial, List<PhaseDiagram.Row> rows, Path csvFile, Path png)
            throws IOException {
        int d = g.unitDim();
        if (d < 2) {
            System.out.println("Goldstone direction of the deep Jacobian: none for " + g.label() + " (a discrete group:"
                    + " the real tanh MLP baseline, RTANH with k = 1, has no continuous generator)");
            write(csvFile, "sigma_w,sigma_w2,goldstone_gain,random_gain,chi1_pow_half_depth,generator_error\n");
            return false;
        }
        double[][] a = new double[d][d];
        a[0][1] = -1;
        a[1][0] = 1;
        System.out.printf(Locale.ROOT, "Goldstone direction of the deep Jacobian (b.2, b.5 item 4): explicit weights,"
                + " n = %d, depth %d, A = %s%n", width, depth, g.label().equals("U(1)") ? "i"
                : "rotation generator of components 0, 1");
        System.out.println("sigma_w   sigma_w^2   gain(A Z0)   gain(random)   chi_1^(L/2)   max |J(A Z0) - A Z_L| rel");
        StringBuilder csv = new StringBuilder("sigma_w,sigma_w2,goldstone_gain,random_gain,chi1_pow_half_depth,"
                + "generator_error\n");
        double[][] gold = new double[2][rows.size()];
        double[][] rnd = new double[2][rows.size()];
        double[][] chi = new double[2][rows.size()];
        SplittableRandom root = new SplittableRandom(seed ^ 0x60D5_70AEL);
        for (int i = 0; i < rows.size(); i++) {
            PhaseDiagram.Row row = rows.get(i);
            FiniteWidth.Setup setup = new FiniteWidth.Setup(radial, g, width, depth, row.sigmaW(),
                    FiniteWidth.Sampling.WEIGHTS);
            FiniteWidth.Tangent t = FiniteWidth.tangent(setup, q0, a, root.split());
            double err = 0;
            for (double e : t.generatorError()) {
                err = Math.max(err, e);
            }
            double chiPow = Math.pow(row.meanField().chi1(), depth / 2.0);
            System.out.printf(Locale.ROOT, "%-8.4f  %-10.4f  %-11.4e  %-13.4e  %-12.4e  %.1e%n", row.sigmaW(),
                    row.sigmaW() * row.sigmaW(), t.goldstoneGain(), t.randomGain(), chiPow, err);
            csv.append(String.format(Locale.ROOT, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g%n", row.sigmaW(),
                    row.sigmaW() * row.sigmaW(), t.goldstoneGain(), t.randomGain(), chiPow, err));
            double x = row.sigmaW() * row.sigmaW();
            gold[0][i] = x;
            gold[1][i] = t.goldstoneGain();
            rnd[0][i] = x;
            rnd[1][i] = t.randomGain();
            chi[0][i] = x;
            chi[1][i] = chiPow;
        }
        write(csvFile, csv.toString());
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("along A Z_0 (Goldstone)", gold);
        series.put("random direction", rnd);
        series.put("chi_1^(L/2) (mean field)", chi);
        Plots.lines(png, g.label() + " " + radial.profile() + ": deep Jacobian gain, depth " + depth, "sigma_w^2",
                "|J t| / |t|", series, true);
        return true;
    }

    private static FiniteWidth.Sampling parseSampling(String text) {
        for (FiniteWidth.Sampling s : FiniteWidth.Sampling.values()) {
            if (s.name().equalsIgnoreCase(text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("--sampling: expected gram or weights, found '" + text + "'");
    }

    private static double[][] vertical(double x, double top) {
        return new double[][] {{x, x}, {0, top > 0 ? 1.05 * top : 1}};
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
