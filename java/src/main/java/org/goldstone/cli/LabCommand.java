package org.goldstone.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.goldstone.lab.TinyNetLab;
import org.goldstone.layer.RadialProfile;
import org.goldstone.symmetry.GoldstoneReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code goldstone lab}: the tiny-net laboratory. Trains U(1), O(2), O(3), O(4) and tanh nets with MSE and
 * cross-entropy to polished minima and prints the Goldstone accounting against the d.7 prediction.
 * Exit code 1 if any case misses its prediction without an explanation.
 */
@Command(name = "lab", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train tiny nets (fp64, weight decay) to polished minima and count the Hessian's zero modes"
                + " against the symmetry prediction.")
final class LabCommand implements Callable<Integer> {
    @Option(names = "--profile", description = "Radial profile (smooth: ALG or RTANH). Default: ${DEFAULT-VALUE}")
    String profile = "ALG";

    @Option(names = "--weight-decay", description = "lambda. Default: ${DEFAULT-VALUE}")
    double lambda = 1e-3;

    @Option(names = "--samples", description = "Gaussian inputs (0: 300, 400 for O(4)). Default: ${DEFAULT-VALUE}")
    int samples = 0;

    @Option(names = "--seed", description = "Seed of data and initialization. Default: ${DEFAULT-VALUE}")
    long seed = 7;

    @Option(names = "--details", description = "Print each case's full report.")
    boolean details;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        RadialProfile p = RadialProfile.parse(profile);
        List<TinyNetLab.Case> cases = new ArrayList<>();
        for (TinyNetLab.Case c : TinyNetLab.standardCases()) {
            cases.add(new TinyNetLab.Case(c.group(), c.inputs(), c.width(), c.depth(), c.classes(),
                    samples > 0 ? samples : c.samples(), c.loss(), p, lambda, seed));
        }
        System.out.printf(Locale.ROOT, "d = 3 inputs, widths [3, 3], 2 classes, %s, weight decay %.0e, seed %d;"
                + " zero: |mu| < %.0e lambda_max%n", p, lambda, seed, TinyNetLab.ZERO_TOLERANCE);
        System.out.println("case         P   |grad F|   zero pred/meas   at-lambda pred/meas   largest zero  next"
                + "       cos       verdict");
        int failures = 0;
        for (TinyNetLab.Case c : cases) {
            TinyNetLab.Outcome o = TinyNetLab.run(c);
            GoldstoneReport r = o.report();
            int[] pred = c.predicted();
            boolean exact = r.measuredZero() == pred[0] && r.measuredAtLambda() == pred[1]
                    && r.predictedZero() == pred[0] && r.predictedAtLambda() == pred[1];
            String verdict = exact ? "exact" : r.missing() == 0 && !r.deadUnits().isEmpty()
                    ? "extra modes from dead units " + r.deadUnits() : "MISMATCH";
            if (verdict.equals("MISMATCH")) {
                failures++;
            }
            System.out.printf(Locale.ROOT, "%-5s %-4s %4d   %.1e   %4d / %-4d       %4d / %-4d          %.1e     %.1e"
                            + "   %.9f  %s%n", c.group(), c.loss(), r.parameters(), r.gradientNorm(), pred[0],
                    r.measuredZero(), pred[1], r.measuredAtLambda(), r.largestZero(), r.nextAboveZero(),
                    r.minPrincipalCosine(), verdict);
            if (details) {
                System.out.print(r.toText().indent(4));
            }
        }
        System.out.println(failures == 0 ? "all counts match the symmetry prediction (SCIENCE d.7, h.1-h.2)"
                : failures + " case(s) do not match the prediction");
        return failures == 0 ? 0 : 1;
    }
}
