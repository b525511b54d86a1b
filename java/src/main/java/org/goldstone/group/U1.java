package org.goldstone.group;

import java.util.SplittableRandom;

/** U(1): each unit is one complex number, stored as (Re, Im); e^{i alpha} multiplies every unit (charge 1). */
public final class U1 implements Group {
    static final U1 INSTANCE = new U1();

    private U1() {
    }

    @Override
    public int unitDim() {
        return 2;
    }

    @Override
    public String label() {
        return "U(1)";
    }

    @Override
    public GroupElement sample(SplittableRandom rng) {
        return GroupElement.phase(rng.nextDouble(-Math.PI, Math.PI));
    }

    @Override
    public String toString() {
        return label();
    }
}
