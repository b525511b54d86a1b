package org.goldstone.backend;

import static org.goldstone.testing.Parity.assertClose;
import static org.goldstone.testing.Parity.download;
import static org.goldstone.testing.Parity.gaussian;
import static org.goldstone.testing.Parity.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** reduce kernels against CpuReduce, on lengths 1, odd primes, non-multiples of the block and a million+. */
@Tag("cuda")
@Tag("opencl")
class ReduceParityTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String be : Parity.ACCELERATORS) {
            for (DType dt : DType.values()) {
                for (int n : new int[] {1, 37, 257, 65_537, 1_000_003}) {
                    out.add(Arguments.of(be, dt, n));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void blasOneMatchesTheTwin(String name, DType dt, int n) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        SplittableRandom rng = new SplittableRandom(n * 3L + dt.ordinal());
        double[] x = gaussian(n, 1.0, dt, rng), y = gaussian(n, 1.0, dt, rng);
        String at = name + " " + dt + " n=" + n + ": ";
        // sums in double over n terms in a different order: relative error ~ n * 1e-16 of sum |x y|
        Parity.Tolerance sumTol = new Parity.Tolerance(1e-13 * n, 1e-12);
        double[] dots = new double[2], sq = new double[2];
        double[][] axpy = new double[2][], scaled = new double[2][], copied = new double[2][], converted = new double[2][];
        int idx = 0;
        for (Backend be : new Backend[] {cpu, gpu}) {
            DeviceBuffer xb = upload(be, dt, x), yb = upload(be, dt, y);
            dots[idx] = be.reduce().dot(xb, yb);
            sq[idx] = be.reduce().sumSquares(xb);
            be.reduce().axpyInPlace(-0.375, xb, yb);
            axpy[idx] = download(be, yb);
            be.reduce().scaleInPlace(1.7, yb);
            scaled[idx] = download(be, yb);
            DeviceBuffer c = be.allocate(dt, n);
            be.reduce().copy(xb, c);
            copied[idx] = download(be, c);
            DeviceBuffer other = be.allocate(dt == DType.F32 ? DType.F64 : DType.F32, n);
            be.reduce().copy(yb, other);
            converted[idx] = download(be, other);
            idx++;
        }
        assertClose(at + "dot", dots[0], dots[1], sumTol);
        assertClose(at + "sumSquares", sq[0], sq[1], sumTol);
        assertClose(at + "axpy", axpy[0], axpy[1], new Parity.Tolerance(0, 0));
        assertClose(at + "scale", scaled[0], scaled[1], new Parity.Tolerance(0, 0));
        assertClose(at + "copy", copied[0], copied[1], new Parity.Tolerance(0, 0));
        assertClose(at + "convert", converted[0], converted[1], new Parity.Tolerance(0, 0));
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("cases")
    void fillAndFirstNonFiniteMatchTheTwin(String name, DType dt, int n) {
        Backend gpu = Parity.backend(name);
        Backend cpu = Parity.cpu();
        String at = name + " " + dt + " n=" + n + ": ";
        for (Backend be : new Backend[] {cpu, gpu}) {
            DeviceBuffer x = be.allocate(dt, n);
            be.reduce().fill(x, 2.5);
            double[] back = download(be, x);
            for (int i = 0; i < n; i++) {
                assertEquals(2.5, back[i], at + be.name() + " fill element " + i);
            }
            assertEquals(-1, be.reduce().firstNonFinite(x), at + be.name() + " no non-finite element");
            int[] planted = {n - 1, n / 2, n / 3};
            double[] poison = {Double.POSITIVE_INFINITY, Double.NaN, Double.NEGATIVE_INFINITY};
            for (int p = 0; p < planted.length; p++) {
                be.write(x.slice(planted[p], 1), new double[] {poison[p]});
                assertEquals(planted[p], be.reduce().firstNonFinite(x), at + be.name() + " after planting "
                        + poison[p] + " at " + planted[p]);
            }
        }
    }
}
