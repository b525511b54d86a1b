package org.goldstone.layer;

/** Pointwise activations of the real baseline layers (SCIENCE a.6). */
public enum Activation {
    TANH, RELU, IDENTITY;

    public double apply(double y) {
        switch (this) {
            case TANH: return Math.tanh(y);
            case RELU: return y > 0 ? y : 0.0;
            default: return y;
        }
    }

    /** Derivative at the pre-activation y. */
    public double derivative(double y) {
        switch (this) {
            case TANH: {
                double t = Math.tanh(y);
                return 1 - t * t;
            }
            case RELU: return y > 0 ? 1.0 : 0.0;
            default: return 1.0;
        }
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
