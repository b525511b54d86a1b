package org.goldstone.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.tensor.DType;

/**
 * A stateful optimizer over the flat parameter vector: the update rule of {@link OptimizerSpec}, the learning
 * rate {@link Schedule}, and clipping by global gradient norm. Its state (buffers and step count) is part of
 * every checkpoint, so a resumed run continues bit-identically.
 */
public final class Optimizer {
    private final OptimizerSpec spec;
    private final Schedule schedule;
    private final double clipNorm;
    private final Backend backend;
    private final Map<String, DeviceBuffer> state = new LinkedHashMap<>();
    private long step;

    /** @param clipNorm clip the gradient to this global L2 norm before the update; 0 disables clipping */
    public Optimizer(OptimizerSpec spec, Schedule schedule, double clipNorm, Backend backend, DType dtype, int params) {
        if (clipNorm < 0 || !Double.isFinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm: expected a finite value >= 0, found " + clipNorm);
        }
        this.spec = spec;
        this.schedule = schedule;
        this.clipNorm = clipNorm;
        this.backend = backend;
        for (String name : spec.stateNames()) {
            state.put(name, backend.allocate(dtype, params));
        }
    }

    public OptimizerSpec spec() {
        return spec;
    }

    /** Updates applied so far. */
    public long step() {
        return step;
    }

    /** Learning rate the next update will use. */
    public double currentLr() {
        return spec.lr() * schedule.factor(step);
    }

    /**
     * One update. {@code gradNormSquared} is |g|^2 (the caller computed it for its non-finite check); when
     * clipping is on and |g| > clipNorm, g is scaled in place to norm clipNorm. theta, grad: modified.
     * Returns the learning rate used.
     */
    public double update(DeviceBuffer theta, DeviceBuffer grad, double gradNormSquared) {
        if (clipNorm > 0) {
            double norm = Math.sqrt(gradNormSquared);
            if (norm > clipNorm) {
                backend.reduce().scaleInPlace(clipNorm / norm, grad);
            }
        }
        return apply(theta, grad);
    }

    /**
     * One update without clipping and without the gradient norm, so nothing is read back from the device: on an
     * accelerator the update is only queued. Throws when this optimizer clips (clipping needs |g|). theta, grad:
     * modified. Returns the learning rate used.
     */
    public double update(DeviceBuffer theta, DeviceBuffer grad) {
        if (clipNorm > 0) {
            throw new IllegalStateException("optimizer: clipping to norm " + clipNorm + " needs |g|^2: call"
                    + " update(theta, grad, gradNormSquared)");
        }
        return apply(theta, grad);
    }

    private double apply(DeviceBuffer theta, DeviceBuffer grad) {
        double lr = currentLr();
        switch (spec.kind()) {
            case SGD:
                backend.optim().sgd(theta, grad, lr);
                break;
            case MOMENTUM:
            case NESTEROV:
                backend.optim().momentum(theta, grad, state.get("velocity"), lr, spec.momentum(),
                        spec.kind() == OptimizerSpec.Kind.NESTEROV);
                break;
            default:
                backend.optim().adam(theta, grad, state.get("m"), state.get("v"), lr, spec.beta1(), spec.beta2(),
                        spec.eps(), step + 1, spec.decoupledDecay());
                break;
        }
        step++;
        return lr;
    }

    /** State buffers by name (velocity; m, v), for checkpoints. */
    public Map<String, DeviceBuffer> state() {
        return state;
    }

    /** Restores the step counter from a checkpoint (buffers are written through {@link #state()}). */
    public void restoreStep(long restored) {
        if (restored < 0) {
            throw new IllegalArgumentException("optimizer step: expected >= 0, found " + restored);
        }
        this.step = restored;
    }
}
