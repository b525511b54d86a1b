package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.testing.Parity;
import org.goldstone.tensor.DType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** lanczos kernels (project, combine, update) against CpuLanczos, including column counts that need chunking. */
@Tag("cuda")
@Tag("opencl")
class LanczosParityTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String be : Parity.ACCELERATORS) {
            int[][] shapes = {{1, 1}, {37, 3}, {257, 1}, {1000, 20}, {65_537, 7}, {100_003, 64}, {300, 5000}};
            for (int[] s : shapes) {
                out.add(Arguments.of(be, s[0], s[1]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} p={1} count={2}")
    @MethodSource("cases")
    void orthogonalizePassMatchesTheTwin(String name, int p, int count) {
        Backend gpu = Parity.backend(name);
        SplittableRandom rng = new SplittableRandom(p * 31L + count);
        double[] q = gaussian(p * count, 1.0 / Math.sqrt(p), DType.F64, rng);   // near-orthonormal columns
        double[] w = gaussian(p, 1.0, DType.F64, rng);
        double[] sq = new double[2];
        double[][] wOut = new double[2][], c = new double[2][];
        int idx = 0;
        for (Backend be : new Backend[] {Parity.cpu(), gpu}) {
            DeviceBuffer wb = upload(be, DType.F64, w), cb = be.allocate(DType.F64, count + 3);
            sq[idx] = be.lanczos().orthogonalizePass(upload(be, DType.F64, q), p, count, wb, cb);
            wOut[idx] = download(be, wb);
            c[idx] = download(be, cb);
            idx++;
        }
        String at = name + " p=" + p + " count=" + count + ": ";
        // sums of p products in another order, then count of them: relative 1e-13 of the O(sqrt(p)) magnitudes
        Parity.Tolerance tol = new Parity.Tolerance(1e-12 * Math.sqrt(p) * Math.max(1, Math.sqrt(count)), 1e-11);
        assertClose(at + "coefficients", c[0], c[1], tol);
        assertClose(at + "w", wOut[0], wOut[1], tol);
        assertClose(at + "|w|^2", sq[0], sq[1], new Parity.Tolerance(1e-12 * p, 1e-11));
    }
}
