package org.goldstone.optim;

import java.util.Locale;

/**
 * An optimizer and its hyper-parameters.
 *
 * @param kind SGD, MOMENTUM (heavy ball), NESTEROV, ADAM or ADAMW
 * @param lr peak learning rate (the schedule scales it)
 * @param momentum mu for MOMENTUM and NESTEROV
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps Adam's denominator offset
 * @param decoupledDecay AdamW's decoupled weight decay (Loshchilov and Hutter 2019); 0 for the others
 */
public record OptimizerSpec(Kind kind, double lr, double momentum, double beta1, double beta2, double eps,
                            double decoupledDecay) {
    /** The update rules. */
    public enum Kind { SGD, MOMENTUM, NESTEROV, ADAM, ADAMW }

    public OptimizerSpec {
        if (kind == null) {
            throw new IllegalArgumentException("optimizer: expected sgd, momentum, nesterov, adam or adamw,"
                    + " found null");
        }
        check(lr > 0 && Double.isFinite(lr), "learning rate > 0", lr);
        check(momentum >= 0 && momentum < 1, "momentum in [0, 1)", momentum);
        check(beta1 >= 0 && beta1 < 1, "beta1 in [0, 1)", beta1);
        check(beta2 >= 0 && beta2 < 1, "beta2 in [0, 1)", beta2);
        check(eps > 0, "eps > 0", eps);
        check(decoupledDecay >= 0, "decoupled weight decay >= 0", decoupledDecay);
        if (decoupledDecay > 0 && kind != Kind.ADAMW) {
            throw new IllegalArgumentException("optimizer: decoupled weight decay belongs to adamw, found " + kind
                    + " (use --weight-decay for the L2 term)");
        }
    }

    private static void check(boolean ok, String expected, double found) {
        if (!ok) {
            throw new IllegalArgumentException("optimizer: expected " + expected + ", found " + found);
        }
    }

    public static OptimizerSpec sgd(double lr) {
        return new OptimizerSpec(Kind.SGD, lr, 0, 0.9, 0.999, 1e-8, 0);
    }

    public static OptimizerSpec momentum(double lr, double mu, boolean nesterov) {
        return new OptimizerSpec(nesterov ? Kind.NESTEROV : Kind.MOMENTUM, lr, mu, 0.9, 0.999, 1e-8, 0);
    }

    public static OptimizerSpec adam(double lr) {
        return new OptimizerSpec(Kind.ADAM, lr, 0, 0.9, 0.999, 1e-8, 0);
    }

    public static OptimizerSpec adamW(double lr, double decay) {
        return new OptimizerSpec(Kind.ADAMW, lr, 0, 0.9, 0.999, 1e-8, decay);
    }

    public static Kind parseKind(String text) {
        try {
            return Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer: expected sgd, momentum, nesterov, adam or adamw, found '"
                    + text + "'");
        }
    }

    /** Names of the state buffers this rule keeps, each as long as the parameter vector. */
    public String[] stateNames() {
        switch (kind) {
            case SGD: return new String[0];
            case MOMENTUM: case NESTEROV: return new String[] {"velocity"};
            default: return new String[] {"m", "v"};
        }
    }
}
