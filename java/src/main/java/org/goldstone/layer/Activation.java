package org.goldstone.layer;

/** Pointwise activations of the real baseline layers (SCIENCE a.6). */
public enum Activation {
    TANH, RELU, IDENTITY;

    public double apply(double y) {
        switch (this) {
            case TANH: return tanh(y);
            case RELU: return y > 0 ? y : 0.0;
            default: return y;
        }
    }

    /** Derivative at the pre-activation y, given the output z = apply(y) (tanh' = 1 - z^2: no second tanh). */
    public double derivative(double y, double z) {
        switch (this) {
            case TANH: return 1 - z * z;
            case RELU: return y > 0 ? 1.0 : 0.0;
            default: return 1.0;
        }
    }

    /** Second derivative at y, given z = apply(y): tanh'' = -2 z (1 - z^2); 0 for ReLU (away from 0) and identity. */
    public double secondDerivative(double y, double z) {
        return this == TANH ? -2 * z * (1 - z * z) : 0.0;
    }

    /**
     * tanh to a few ulps, faster than {@link Math#tanh} (which the JIT does not intrinsify): for |y| >= 1/2 the
     * form 1 - 2/(e^{2|y|} + 1) has no cancellation and uses the intrinsic exp; below that, Math.tanh.
     */
    public static double tanh(double y) {
        double a = Math.abs(y);
        if (a < 0.5) {
            return Math.tanh(y);
        }
        double t = a > 20 ? 1.0 : 1.0 - 2.0 / (Math.exp(2 * a) + 1.0);
        return y < 0 ? -t : t;
    }

    public static Activation parse(String text) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("activation: expected one of tanh, relu, identity, found '" + text + "'");
    }
}
