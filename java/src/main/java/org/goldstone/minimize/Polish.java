package org.goldstone.minimize;

import java.util.ArrayList;
import java.util.List;

/**
 * BFGS to a moderate tolerance, then Newton polishing to rounding level: the protocol of SCIENCE d.7 ("BFGS then
 * Newton polish to |g| &lt; 1e-15, weight decay 1e-3") for counting Hessian zero modes.
 */
public final class Polish {
    private static final System.Logger LOG = System.getLogger(Polish.class.getName());

    private Polish() {
    }

    /**
     * {@link Bfgs#minimize} from theta0 (read, not modified) until |g|_inf &lt; gtolBfgs or maxBfgs iterations or
     * the line search's rounding floor, then {@link NewtonPolish#minimize} from there with gtolNewton and maxNewton
     * steps (whatever way BFGS stopped). The result is Newton's, with iterations and evaluations summed over both
     * phases, the histories joined (Newton's iterations numbered after BFGS's), and the dense Hessian at the final
     * theta.
     */
    public static Result minimize(Objective f, double[] theta0, double gtolBfgs, double gtolNewton, int maxBfgs,
                                  int maxNewton) {
        Result bfgs = Bfgs.minimize(f, theta0, gtolBfgs, maxBfgs);
        LOG.log(System.Logger.Level.DEBUG, () -> "polish: BFGS phase " + bfgs);
        Result newton = NewtonPolish.minimize(f, bfgs.theta(), gtolNewton, maxNewton);
        List<Result.Step> history = new ArrayList<>(bfgs.history());
        // Newton's entry 0 is BFGS's last point again
        for (Result.Step s : newton.history()) {
            if (s.iteration() > 0) {
                history.add(new Result.Step(bfgs.iterations() + s.iteration(), s.value(), s.gradNormInf()));
            }
        }
        return new Result(newton.theta(), newton.value(), newton.gradient(), newton.gradNormInf(),
                bfgs.iterations() + newton.iterations(), bfgs.evaluations() + newton.evaluations(),
                newton.hessianVectorProducts(), newton.stop(), history, newton.hessian(), newton.eigen());
    }
}
