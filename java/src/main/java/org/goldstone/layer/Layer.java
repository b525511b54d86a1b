package org.goldstone.layer;

import java.util.List;
import java.util.SplittableRandom;
import org.goldstone.backend.Backend;
import org.goldstone.backend.DeviceBuffer;

/**
 * One stage of a network, mapping {@link #inputSize()} to {@link #outputSize()} real features per sample. Samples
 * are columns of column-major matrices (for equivariant levels: the unit layout of
 * {@link org.goldstone.tensor.UnitShape}). Parameters are a slice of the network's flat parameter vector;
 * the layer's gradient is the same slice of the flat gradient.
 *
 * <p>Lifecycle: {@link #initialize} once on the host; then per step {@link #forward}, and {@link #backward}
 * with the same {@code in}, {@code out} and {@code saved} buffers the forward used.
 */
public interface Layer {
    /** Name used in parameter names, checkpoints and error messages, e.g. "equiv.17". */
    String name();

    int inputSize();

    int outputSize();

    int paramCount();

    /** Named parameter tensors inside this layer's slice, in order. */
    List<ParamBlock> paramBlocks();

    /**
     * Extra per-sample elements the forward pass keeps for the backward pass, including any scratch rows the
     * backward pass needs (0 for most layers).
     */
    default int savedSize() {
        return 0;
    }

    /** Writes initial parameters into {@code theta[offset .. offset + paramCount())}. */
    void initialize(double[] theta, int offset, SplittableRandom rng);

    /**
     * Forward pass. params, in: read. out: modified (never aliases in). saved: modified (savedSize * batch elements,
     * or null when savedSize is 0).
     */
    void forward(Backend backend, DeviceBuffer params, DeviceBuffer in, DeviceBuffer out, DeviceBuffer saved,
                 int batch);

    /**
     * Backward pass. params, in, out: read. saved: read, except the layer's own scratch rows. gradOut: read
     * (left intact: the R-pass reads it afterwards). gradIn: modified, or null when the input gradient is not
     * needed. gradParams: modified (overwritten, not accumulated), or null when only the input gradient is
     * needed (the Hessian-vector product skips the weight-gradient GEMMs).
     */
    void backward(Backend backend, DeviceBuffer params, DeviceBuffer in, DeviceBuffer out, DeviceBuffer saved,
                  DeviceBuffer gradOut, DeviceBuffer gradIn, DeviceBuffer gradParams, int batch);

    /** Extra per-sample elements the R-passes keep (R{pre-activation}, scratch); 0 for most layers. */
    default int rSavedSize() {
        return 0;
    }

    /**
     * Forward R-pass (Pearlmutter; SCIENCE d.1): {@code rOut = R{out}} for the parameter direction {@code v} (this
     * layer's slice of it) and the input perturbation {@code rIn = R{in}} (null when the input is data, R{in} = 0).
     * params, v, in, out, saved, rIn: read. rOut, rSaved: modified.
     */
    void forwardR(Backend backend, DeviceBuffer params, DeviceBuffer v, DeviceBuffer in, DeviceBuffer out,
                  DeviceBuffer saved, DeviceBuffer rIn, DeviceBuffer rOut, DeviceBuffer rSaved, int batch);

    /**
     * Backward R-pass, after {@link #backward} of the same step: from G_out and R{G_out} it writes R{G_in}
     * (skipped when rGradIn is null) and R{G_params} (overwritten), the layer's block of the Hessian-vector
     * product. params, v, in, out, saved, rIn, gradOut, rGradOut: read. rSaved (scratch), rGradIn,
     * rGradParams: modified.
     */
    void backwardR(Backend backend, DeviceBuffer params, DeviceBuffer v, DeviceBuffer in, DeviceBuffer out,
                   DeviceBuffer saved, DeviceBuffer rIn, DeviceBuffer rOut, DeviceBuffer rSaved,
                   DeviceBuffer gradOut, DeviceBuffer rGradOut, DeviceBuffer rGradIn, DeviceBuffer rGradParams,
                   int batch);

    /**
     * {@link #backward} followed by {@link #backwardR}, which a layer may fuse (the Hessian-vector product calls
     * this). Arguments as in the two methods; gradParams may be null.
     */
    default void backwardWithR(Backend backend, DeviceBuffer params, DeviceBuffer v, DeviceBuffer in, DeviceBuffer out,
                               DeviceBuffer saved, DeviceBuffer rIn, DeviceBuffer rOut, DeviceBuffer rSaved,
                               DeviceBuffer gradOut, DeviceBuffer rGradOut, DeviceBuffer gradIn, DeviceBuffer rGradIn,
                               DeviceBuffer gradParams, DeviceBuffer rGradParams, int batch) {
        backward(backend, params, in, out, saved, gradOut, gradIn, gradParams, batch);
        backwardR(backend, params, v, in, out, saved, rIn, rOut, rSaved, gradOut, rGradOut, rGradIn,
                rGradParams, batch);
    }
}
