package org.goldstone.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.goldstone.group.Group;
import org.goldstone.layer.Activation;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.testing.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report as JSON and as a log row, and the heat maps. */
class DiagnosticsTest {
    @TempDir
    Path dir;

    private static int[] labels(int batch, int classes) {
        int[] y = new int[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = b % classes;
        }
        return y;
    }

    @Test
    void reportSerializesAndGivesAFixedLogRow() throws IOException {
        SplittableRandom rng = new SplittableRandom(51);
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(3).embed(Group.orthogonal(2), 4)
                .equivariant(2, RadialProfile.ALG).readout(3).build());
        double[] theta = net.initialParameters(rng);
        double[] x = Host.gaussian(3 * 12, rng);
        DiagnosticsReport r = Diagnostics.compute(net, theta, x, labels(12, 3));
        assertEquals(3, r.levels().size());
        assertEquals(8, r.levels().get(0).features());
        String json = new ObjectMapper().writeValueAsString(r);
        JsonNode tree = new ObjectMapper().readTree(json);
        assertEquals("O(2)", tree.get("group").asText(), json);
        assertEquals(3, tree.get("levels").size(), json);
        assertTrue(tree.get("collapse").has("nc1") && tree.get("levels").get(1).get("symmetry").has("distinctUnits"),
                json);
        Map<String, Object> row = r.scalars();
        assertEquals(7 + 3 * LevelMetric.values().length, row.size(), row.toString());
        assertTrue(row.get("l2.rank_1e-3") instanceof Integer && row.get("l0.chat") instanceof Double, row.toString());
        // the next step's row has the same columns
        theta[0] += 0.1;
        assertEquals(row.keySet(), Diagnostics.compute(net, theta, x, labels(12, 3)).scalars().keySet());
    }

    @Test
    void realBaselineGetsTheSameDiagnostics() {
        SplittableRandom rng = new SplittableRandom(52);
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(3).dense(5, Activation.TANH).hidden(2)
                .layerNorm(true).readout(2).build());
        double[] theta = net.initialParameters(rng);
        DiagnosticsReport r = Diagnostics.compute(net, theta, Host.gaussian(3 * 10, rng), labels(10, 2));
        assertEquals("real", r.group());
        assertEquals(3, r.levels().size());
        for (LevelDiagnostics l : r.levels()) {
            assertEquals(5, l.symmetry().distinctUnits(), "random units are distinct: " + l);
            assertTrue(l.featureRank().rankAt1e6() >= 1 && l.diversity() > 0 && l.diversity() <= 1 + 1e-12,
                    "level " + l);
        }
        assertTrue(r.collapse().nc1() > 0, "NC1 of an untrained net: " + r.collapse());
    }

    @Test
    void heatMapsAreWrittenAtomically() throws IOException {
        SplittableRandom rng = new SplittableRandom(53);
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(3).embed(Group.u1(), 3)
                .equivariant(3, RadialProfile.ALG).readout(2).build());
        double[] x = Host.gaussian(3 * 8, rng);
        List<DiagnosticsReport> reports = new ArrayList<>();
        long[] steps = {0, 10, 20, 30};
        for (int s = 0; s < steps.length; s++) {
            reports.add(Diagnostics.compute(net, net.initialParameters(rng), x, labels(8, 2)));
        }
        Path png = dir.resolve("plots").resolve("erank.png");
        Heatmaps.layerByStep(png, null, steps, reports, LevelMetric.EFFECTIVE_RANK);
        Heatmaps.layerByStep(png, "min delta", steps, reports, LevelMetric.MIN_PAIR_DELTA);   // replaces it
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not a readable PNG");
        assertEquals(Heatmaps.WIDTH, image.getWidth());
        Path corr = dir.resolve("plots").resolve("corr.png");
        Heatmaps.matrix(corr, "class correlation", reports.get(0).collapse().classCorrelation());
        assertNotNull(ImageIO.read(corr.toFile()));
        // constant and partly missing data still draw
        Heatmaps.layerByStep(dir.resolve("plots").resolve("const.png"), "const", new long[] {1, 2},
                new double[][] {{1, 1}, {1, Double.NaN}});
        try (Stream<Path> files = Files.list(dir.resolve("plots"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("const.png", "corr.png", "erank.png"), names, "no temporary files left");
        }
        int[] kept = Heatmaps.thin(1000, Heatmaps.MAX_COLUMNS);
        assertEquals(Heatmaps.MAX_COLUMNS, kept.length);
        assertTrue(kept[0] == 0 && kept[kept.length - 1] == 999, "thinning keeps the first and last step: "
                + java.util.Arrays.toString(kept));
        for (int i = 1; i < kept.length; i++) {
            assertTrue(kept[i] > kept[i - 1], "thinned columns increase: " + java.util.Arrays.toString(kept));
        }
    }
}
