package org.goldstone.layer;

/**
 * Radial profiles of the norm nonlinearity {@code f(y) = h(q) y}, {@code q = |y|^2} (SCIENCE a.3), with their
 * first and second derivatives in q. {@code a} and {@code b} are the profile's invariant shape constants
 * (GATE: slope a, offset b; MODRELU: radius bias b; CUBIC: mu = b); the others ignore them.
 */
public enum RadialProfile {
    /** Algebraic squash h = (1+q)^(-1/2); rho(r) = r / sqrt(1+r^2). Default. */
    ALG,
    /** Radial tanh h = tanh(r)/r, r = sqrt(q); series below q < 1e-2 avoids the 0/0 cancellation. */
    RTANH,
    /** Norm gate h = sigmoid(a q + b). */
    GATE,
    /** modReLU h = max(0, 1 + b / sqrt(q)). */
    MODRELU,
    /** Direction only h = q^(-1/2), f(y) = y/|y|; singular at 0. */
    PHASE,
    /** Stuart-Landau h = mu - q with mu = b. */
    CUBIC;

    /** Below this q, RTANH uses its Taylor series (max rel. error 2.5e-12, SCIENCE a.3). */
    static final double SERIES_Q = 1e-2;

    public double h(double q, double a, double b) {
        switch (this) {
            case ALG:
                return 1.0 / Math.sqrt(1.0 + q);
            case RTANH: {
                if (q < SERIES_Q) {
                    return 1 + q * (-1.0 / 3 + q * (2.0 / 15 + q * (-17.0 / 315 + q * (62.0 / 2835
                            + q * (-1382.0 / 155925)))));
                }
                double r = Math.sqrt(q);
                return Math.tanh(r) / r;
            }
            case GATE:
                return sigmoid(a * q + b);
            case MODRELU: {
                double v = 1.0 + b / Math.sqrt(q);
                return v > 0 ? v : 0.0;
            }
            case PHASE:
                return 1.0 / Math.sqrt(q);
            case CUBIC:
                return b - q;
            default:
                throw new AssertionError(this);
        }
    }

    public double dh(double q, double a, double b) {
        switch (this) {
            case ALG: {
                double s = 1.0 / Math.sqrt(1.0 + q);
                return -0.5 * s * s * s;
            }
            case RTANH: {
                if (q < SERIES_Q) {
                    return -1.0 / 3 + q * (4.0 / 15 + q * (-17.0 / 105 + q * (248.0 / 2835 + q * (-1382.0 / 31185))));
                }
                double r = Math.sqrt(q);
                double t = Math.tanh(r);
                double s = 1 - t * t;
                return (r * s - t) / (2 * r * r * r);
            }
            case GATE: {
                double s = sigmoid(a * q + b);
                return a * s * (1 - s);
            }
            case MODRELU:
                return 1.0 + b / Math.sqrt(q) > 0 ? -0.5 * b * Math.pow(q, -1.5) : 0.0;
            case PHASE:
                return -0.5 * Math.pow(q, -1.5);
            case CUBIC:
                return -1.0;
            default:
                throw new AssertionError(this);
        }
    }

    public double d2h(double q, double a, double b) {
        switch (this) {
            case ALG:
                return 0.75 * Math.pow(1.0 + q, -2.5);
            case RTANH: {
                if (q < SERIES_Q) {
                    return 4.0 / 15 + q * (-34.0 / 105 + q * (248.0 / 945 + q * (-5528.0 / 31185
                            + q * (43688.0 / 405405))));
                }
                double r = Math.sqrt(q);
                double t = Math.tanh(r);
                double s = 1 - t * t;
                return (-2 * t * s * r * r - 3 * (r * s - t)) / (4 * Math.pow(r, 5));
            }
            case GATE: {
                double s = sigmoid(a * q + b);
                return a * a * s * (1 - s) * (1 - 2 * s);
            }
            case MODRELU:
                return 1.0 + b / Math.sqrt(q) > 0 ? 0.75 * b * Math.pow(q, -2.5) : 0.0;
            case PHASE:
                return 0.75 * Math.pow(q, -2.5);
            case CUBIC:
                return 0.0;
            default:
                throw new AssertionError(this);
        }
    }

    /** Default shape constants (a, b) for {@link Radial#of(RadialProfile)}. */
    double defaultA() {
        return this == GATE ? -1.0 : 0.0;
    }

    double defaultB() {
        switch (this) {
            case GATE: return 0.0;
            case MODRELU: return -0.1;
            case CUBIC: return 1.0;
            default: return 0.0;
        }
    }

    /** Parses a profile name, case-insensitive, with a one-line error naming the choices. */
    public static RadialProfile parse(String text) {
        for (RadialProfile p : values()) {
            if (p.name().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("profile: expected one of " + java.util.Arrays.toString(values())
                + ", found '" + text + "'");
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }
}
