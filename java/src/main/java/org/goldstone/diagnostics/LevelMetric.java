package org.goldstone.diagnostics;

/** One scalar per level of a {@link LevelDiagnostics}: the rows of a layer x step heat map and the logged columns. */
public enum LevelMetric {
    FEATURE_RANK_1E3("rank_1e-3") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.featureRank().rankAt1e3();
        }
    },
    FEATURE_RANK_1E6("rank_1e-6") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.featureRank().rankAt1e6();
        }
    },
    EFFECTIVE_RANK("erank") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.featureRank().effectiveRank();
        }
    },
    WEIGHT_RANK_1E3("wrank_1e-3") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.weightRank().rankAt1e3();
        }
    },
    WEIGHT_RANK_1E6("wrank_1e-6") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.weightRank().rankAt1e6();
        }
    },
    WEIGHT_EFFECTIVE_RANK("werank") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.weightRank().effectiveRank();
        }
    },
    DIVERSITY("chat") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.diversity();
        }
    },
    NC1("nc1") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.nc1();
        }
    },
    COLLAPSED_FRACTION("collapsed_frac") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.symmetry().collapsedFraction();
        }
    },
    DISTINCT_UNITS("distinct") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.symmetry().distinctUnits();
        }
    },
    DEGREE_OF_BREAKING("ssb_degree") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.symmetry().degreeOfBreaking();
        }
    },
    MIN_PAIR_DELTA("min_delta") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.symmetry().minPairDelta();
        }
    },
    PERMUTATION_DELTA("perm_delta") {
        @Override
        public double of(LevelDiagnostics l) {
            return l.symmetry().permutationDelta();
        }
    };

    private final String key;

    LevelMetric(String key) {
        this.key = key;
    }

    /** Column suffix in the per-step log, e.g. "erank" in "l3.erank". */
    public String key() {
        return key;
    }

    /** Whether the metric is a count (logged as an integer). */
    public boolean integral() {
        return this == FEATURE_RANK_1E3 || this == FEATURE_RANK_1E6 || this == WEIGHT_RANK_1E3
                || this == WEIGHT_RANK_1E6 || this == DISTINCT_UNITS;
    }

    public abstract double of(LevelDiagnostics level);
}
