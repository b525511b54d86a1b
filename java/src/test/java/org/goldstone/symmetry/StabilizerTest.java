package org.goldstone.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.group.Group;
import org.goldstone.group.GroupElement;
import org.goldstone.layer.RadialProfile;
import org.goldstone.net.FeedForwardNet;
import org.goldstone.net.NetSpec;
import org.goldstone.testing.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SCIENCE g.10: with every k-vector of W_in, b_in and U confined to a random m-dimensional subspace of R^4, the
 * stabilizer is O(4 - m) and the global O(4) tangents have rank 6 - (4-m)(3-m)/2.
 */
class StabilizerTest {
    @ParameterizedTest(name = "m = {0}")
    @CsvSource({"1,3", "2,5", "3,6", "4,6"})
    void tangentRankIsTheOrbitDimension(int m, int expectedRank) {
        SplittableRandom rng = new SplittableRandom(10 + m);
        FeedForwardNet net = FeedForwardNet.of(NetSpec.builder().inputs(3).embed(Group.orthogonal(4), 3)
                .equivariant(1, RadialProfile.ALG).readout(2).build());
        double[] theta = net.initialParameters(rng);
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.5 * Host.gaussian(1, rng)[0];
        }
        // project every unit vector of the embedding and readout onto span(e_0 .. e_{m-1}) after a random rotation:
        // zero the components a >= m, then rotate all of them by one random R (a global action keeps the structure)
        int n = 3, k = 4;
        int e0 = net.offset(0), rows = n * k;
        for (int i = 0; i <= 3; i++) {
            for (int j = 0; j < n; j++) {
                for (int a = m; a < k; a++) {
                    theta[e0 + i * rows + a * n + j] = 0;
                }
            }
        }
        int last = net.layers().size() - 1, r0 = net.offset(last), classes = 2;
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < n; j++) {
                for (int a = m; a < k; a++) {
                    theta[r0 + c + (a * n + j) * classes] = 0;
                }
            }
        }
        GroupElement rotation = Group.orthogonal(4).sample(rng);
        ParameterAction.globalInPlace(net, theta, rotation);
        List<double[]> tangents = new ArrayList<>();
        for (Tangent t : Tangents.of(net, theta, new double[theta.length], false)) {
            tangents.add(t.vector());
        }
        assertEquals(6, tangents.size(), "O(4) has 6 generators");
        assertEquals(expectedRank, GoldstoneCounter.rank(tangents), "rank of the tangent set for m = " + m
                + " (tolerance 1e-10 relative)");
    }
}
