package org.goldstone.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bf16 rounding twin of kernels/cuda/bf16.cu: round to nearest even, NaN, infinities, subnormals, exact values. */
class Bf16Test {
    /** Asserts the bf16 pattern of the fp32 pattern {@code in}, both in hex in the message. */
    private static void assertRounds(int in, int expected) {
        short got = Bf16.round(Float.intBitsToFloat(in));
        assertEquals((short) expected, got, () -> String.format("fp32 0x%08x (%s): expected bf16 0x%04x, found 0x%04x",
                in, Float.intBitsToFloat(in), expected, got & 0xffff));
    }

    /**
     * An independent definition: the two bf16 values around x (x truncated, and one ulp further from zero, with
     * infinity counted as 2^128 as IEEE overflow does), whichever is nearer, ties to the even pattern.
     */
    private static short nearest(float x) {
        if (Float.isNaN(x)) {
            return Bf16.NAN;
        }
        int bits = Float.floatToRawIntBits(x);
        int down = bits >>> 16, up = down + 1;
        if ((bits & 0xffff) == 0) {
            return (short) down;
        }
        double lo = Math.abs(Bf16.toFloat((short) down));
        double hi = (up & 0x7fff) == 0x7f80 ? 0x1p128 : Math.abs(Bf16.toFloat((short) up));
        double ax = Math.abs((double) x), dLo = ax - lo, dHi = hi - ax;
        if (dLo != dHi) {
            return (short) (dLo < dHi ? down : up);
        }
        return (short) ((down & 1) == 0 ? down : up);
    }

    @Test
    void tiesGoToTheEvenPattern() {
        assertRounds(0x3f808000, 0x3f80);      // 1 + 2^-8: halfway between 1 and 1 + 2^-7, 0x3f80 is even
        assertRounds(0x3f818000, 0x3f82);      // 1 + 3 2^-8: halfway, 0x3f81 is odd, so up
        assertRounds(0xbf808000, 0xbf80);      // the same for negative values: ties by pattern, not towards +inf
        assertRounds(0xbf818000, 0xbf82);
        assertRounds(0x3f807fff, 0x3f80);      // just below half: down
        assertRounds(0x3f808001, 0x3f81);      // just above half: up
        assertRounds(0x3f80ffff, 0x3f81);
        assertRounds(0x3fffffff, 0x4000);      // the carry out of the mantissa bumps the exponent: 2 - 2^-23 -> 2
    }

    @Test
    void nanBecomesTheCanonicalNanAndInfinitiesStay() {
        for (int nan : new int[] {0x7fc00000, 0x7f800001, 0x7fffffff, 0xffc00000, 0xffffffff, 0x7f80ffff}) {
            assertRounds(nan, 0x7fff);         // 0x7fffffff would carry into the sign bit (0x8000, -0) if rounded
        }
        assertRounds(0x7f800000, 0x7f80);
        assertRounds(0xff800000, 0xff80);
        assertRounds(0x7f7f0000, 0x7f7f);      // the largest bf16, 0x1.fep127, is exact
        assertRounds(0x7f7f7fff, 0x7f7f);
        assertRounds(0x7f7f8000, 0x7f80);      // half an ulp past it, a tie to the odd 0x7f7f: overflows to infinity
        assertRounds(Float.floatToRawIntBits(Float.MAX_VALUE), 0x7f80);
        assertRounds(Float.floatToRawIntBits(-Float.MAX_VALUE), 0xff80);
    }

    @Test
    void subnormalsAreRoundedNotFlushed() {
        assertRounds(0x00010000, 0x0001);      // 2^-133, the smallest bf16 subnormal: exact
        assertRounds(0x00008001, 0x0001);      // just above half of it: up
        assertRounds(0x00008000, 0x0000);      // half of it, a tie: to the even +0
        assertRounds(0x00018000, 0x0002);      // 1.5 of it, a tie: to the even 2 of it
        assertRounds(0x00000001, 0x0000);      // Float.MIN_VALUE: +0
        assertRounds(0x80000001, 0x8000);      // -Float.MIN_VALUE: -0, sign kept
        assertRounds(0x007fffff, 0x0080);      // the largest fp32 subnormal rounds up to 2^-126, the smallest normal
        assertRounds(0x00400000, 0x0040);      // 2^-127: exact
    }

    @Test
    void bf16ValuesStayExact() {
        for (int p = 0; p < 0x10000; p++) {
            if ((p & 0x7fff) > 0x7f80) {
                continue;                      // NaN patterns: canonical, tested above
            }
            assertRounds(p << 16, p);
            assertEquals(Float.intBitsToFloat(p << 16), Bf16.roundToFloat(Bf16.toFloat((short) p)), 0.0);
        }
        for (float x : new float[] {0f, -0f, 1f, -2.5f, 0.15625f, 3f, 255f, 256f, Float.MIN_NORMAL}) {
            assertEquals(Float.floatToRawIntBits(x), Float.floatToRawIntBits(Bf16.roundToFloat(x)), "" + x);
        }
    }

    @Test
    void agreesWithTheNearestValueDefinition() {
        // every upper half with the low halves that decide the rounding, then seeded random patterns
        int[] lows = {0x0001, 0x7fff, 0x8000, 0x8001, 0xffff};
        for (int p = 0; p < 0x10000; p++) {
            for (int low : lows) {
                int in = p << 16 | low;
                assertRounds(in, nearest(Float.intBitsToFloat(in)));
            }
        }
        SplittableRandom rng = new SplittableRandom(16);
        for (int t = 0; t < 1 << 20; t++) {
            int in = rng.nextInt();
            assertRounds(in, nearest(Float.intBitsToFloat(in)));
        }
    }

    @Test
    void relativeErrorIsAtMostTheUnitRoundoff() {
        SplittableRandom rng = new SplittableRandom(8);
        double worst = 0;
        for (int t = 0; t < 1 << 16; t++) {             // normal numbers only: subnormals lose relative bits
            float x = (float) (rng.nextGaussian() * Math.scalb(1.0, rng.nextInt(-100, 100)));
            double rel = Math.abs(Bf16.roundToFloat(x) - (double) x) / Math.abs((double) x);
            worst = Math.max(worst, rel);
        }
        double w = worst;
        assertTrue(w <= 0x1p-8 && w > 0x1p-9, () -> "worst relative rounding " + w + ", expected in (2^-9, 2^-8]");
    }
}
