package org.goldstone.backend;

/**
 * Loss heads on logits {@code o} stored column-major {@code classes x batch} (one column per sample).
 * Both return the summed loss over the batch and write the gradient of {@code scale * sum} into {@code grad}.
 */
public interface LossOps {
    /**
     * Summed loss and number of samples whose argmax equals the label. An accelerator's value is deferred: the
     * kernel that computes it is queued, and the first {@link #sum()} or {@link #correct()} reads it back (waiting
     * for the device), so a training step can queue its backward pass before anything comes back to the host. An
     * invalid label is reported (as the launcher's exception) by that first read.
     */
    final class Value {
        private java.util.function.Supplier<Value> pending;
        /** The deferred read, kept after it ran (see {@link #again}); null for a value known from the start. */
        private final java.util.function.Supplier<Value> read;
        private double sum;
        private long correct;

        private Value(double sum, long correct, java.util.function.Supplier<Value> pending) {
            this.sum = sum;
            this.correct = correct;
            this.pending = pending;
            this.read = pending;
        }

        /** A value known now. */
        public Value(double sum, long correct) {
            this(sum, correct, null);
        }

        /** A value {@code read} produces when first asked for (once). */
        public static Value deferred(java.util.function.Supplier<Value> read) {
            return new Value(Double.NaN, 0, read);
        }

        /**
         * A deferred value that reads this one's device result again, for work recorded once and replayed
         * ({@code Backend.record}): a replayed CUDA graph rewrites the buffer the captured loss launch read, while
         * the Java code that made this value does not run again. A value known from the start is returned as is.
         */
        public Value again() {
            return read == null ? this : deferred(read);
        }

        /** Whether the value has been read (or was known from the start). */
        public boolean resolved() {
            return pending == null;
        }

        /** Reads a deferred value now (waiting for the device); nothing for a known one. */
        public Value resolve() {
            if (pending != null) {
                java.util.function.Supplier<Value> read = pending;
                pending = null;
                Value v = read.get();
                sum = v.sum;
                correct = v.correct;
            }
            return this;
        }

        public double sum() {
            return resolve().sum;
        }

        public long correct() {
            return resolve().correct;
        }

        @Override
        public String toString() {
            return resolved() ? "Value[sum=" + sum + ", correct=" + correct + "]" : "Value[deferred]";
        }
    }

    /**
     * Softmax cross-entropy: {@code L_b = logsumexp(o_b) - o_b[y_b]}, {@code G_o = scale (p - onehot)}.
     * labels: class indices stored as numbers (read). logits: read. grad: modified.
     */
    Value softmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad,
                              int classes, int batch, double scale);

    /**
     * Mean squared error against one-hot targets: {@code L_b = 1/2 |o_b - onehot(y_b)|^2},
     * {@code G_o = scale (o - onehot)}. logits, labels: read. grad: modified.
     */
    Value meanSquaredError(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad,
                           int classes, int batch, double scale);

    /**
     * R-operator of the cross-entropy gradient (SCIENCE d.1): {@code R{G_o} = scale (p * R{o} - p (p . R{o}))}
     * per sample, p = softmax(o). This is also the loss-head Hessian applied to R{o} (Gauss-Newton product).
     * logits, rLogits: read. rGrad: modified.
     */
    void softmaxCrossEntropyRop(DeviceBuffer logits, DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch,
                                double scale);

    /** R-operator of the squared-error gradient: {@code R{G_o} = scale R{o}}. rLogits: read. rGrad: modified. */
    void meanSquaredErrorRop(DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch, double scale);
}
