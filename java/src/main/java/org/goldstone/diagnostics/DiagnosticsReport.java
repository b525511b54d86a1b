package org.goldstone.diagnostics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All symmetry diagnostics of one network at one parameter point on one labelled probe batch (SCIENCE f.1-f.4),
 * as plain values: Jackson writes it as JSON, {@link #scalars()} gives one per-step log row (f.6).
 *
 * @param net the network's one-line description
 * @param group "U(1)", "O(k)" or "real"
 * @param batch probe samples
 * @param classes C
 * @param levels levels 0..L
 * @param readoutRank rank of the readout on the flattened last-level features
 * @param collapse neural collapse at the last level, with the network's readout and logits
 */
public record DiagnosticsReport(String net, String group, int batch, int classes, List<LevelDiagnostics> levels,
                                RankSummary readoutRank, CollapseMetrics collapse) {
    public DiagnosticsReport {
        levels = List.copyOf(levels);
    }

    /** The metric at every level, index = level. */
    public double[] column(LevelMetric metric) {
        double[] out = new double[levels.size()];
        for (int l = 0; l < out.length; l++) {
            out[l] = metric.of(levels.get(l));
        }
        return out;
    }

    /**
     * One log row with a fixed key set for a given network (for {@code MetricsLog}): "nc1", "nc2_equinorm",
     * "nc2_equiangularity", "nc3", "nc4", "readout_rank_1e-3", "readout_erank", then "l{level}.{metric key}" for
     * every level and {@link LevelMetric}. Counts are Integers, the rest Doubles (NaN where undefined).
     */
    public Map<String, Object> scalars() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("nc1", collapse.nc1());
        row.put("nc2_equinorm", collapse.nc2Equinorm());
        row.put("nc2_equiangularity", collapse.nc2Equiangularity());
        row.put("nc3", collapse.nc3());
        row.put("nc4", collapse.nc4());
        row.put("readout_rank_1e-3", readoutRank.rankAt1e3());
        row.put("readout_erank", readoutRank.effectiveRank());
        for (LevelDiagnostics l : levels) {
            for (LevelMetric m : LevelMetric.values()) {
                double v = m.of(l);
                row.put("l" + l.level() + "." + m.key(), m.integral() ? (Object) (int) v : (Object) v);
            }
        }
        return row;
    }
}
