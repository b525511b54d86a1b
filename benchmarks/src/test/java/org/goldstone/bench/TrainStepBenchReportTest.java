package org.goldstone.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainStepBench#ownProducts} on the JMH result the README's "own products" column comes from
 * ({@code benchmarks/gpu/results-2026-11-26/cpu-devbox-lanczos-own-products.json}): per-iteration ratios of the
 * secondary results, not JMH's summed summary.
 */
class TrainStepBenchReportTest {
    private static Map<String, JsonNode> lanczosSecondaries() throws IOException {
        JsonNode results = new ObjectMapper().readTree(Path.of("gpu/results-2026-11-26/"
                + "cpu-devbox-lanczos-own-products.json").toFile());
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : results) {
            if (r.path("benchmark").asText().endsWith(".lanczos20")) {
                out.put(r.path("params").path("net").asText(), r.path("secondaryMetrics"));
            }
        }
        return out;
    }

    @Test
    void lanczosInUnitsOfItsOwnProductsIsThePerIterationRatio() throws IOException {
        Map<String, JsonNode> s = lanczosSecondaries();
        assertEquals("22.30 (21.96 - 22.54)", TrainStepBench.ownProducts(s.get("U(1)")));
        assertEquals("21.31 (21.20 - 21.42)", TrainStepBench.ownProducts(s.get("O(4)")));
        assertEquals("22.70 (22.52 - 22.87)", TrainStepBench.ownProducts(s.get("tanh")));
    }

    @Test
    void untimedProductsGiveNoFigure() throws IOException {
        JsonNode none = new ObjectMapper().readTree("{\"lanczosMs\": {\"rawData\": [[2900.0]]},"
                + " \"productMs\": {\"rawData\": [[0.0]]}}");
        assertNull(TrainStepBench.ownProducts(none), "a device run times no products");
        assertNull(TrainStepBench.ownProducts(new ObjectMapper().readTree("{}")), "no secondary results");
    }
}
