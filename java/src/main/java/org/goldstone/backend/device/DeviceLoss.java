package org.goldstone.backend.device;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.tensor.DType;

/**
 * Launchers of the loss family ({@code loss.cu}, {@code loss.cl}; the definition is {@code CpuLoss}). The forward
 * kernels write three partials per block (summed loss, correct count, first sample with an invalid label), which are read
 * back and summed here in index order, when the value is first asked for (deferred, see {@link LossOps.Value}).
 */
public final class DeviceLoss implements LossOps {
    private static final int THREADS = 256;
    /** Partials per block of the forward kernels: loss, correct count, first invalid label. */
    private static final int SLOTS = 3;

    /** Loss values in flight at most; a newer launch first reads the oldest unread one (see {@link #forward}). */
    static final int RING = 4;

    private final Kernels be;
    /** Per ring slot: the partials buffer the forward kernel writes, and the value that will read it. */
    private final DeviceBuffer[] slots = new DeviceBuffer[RING];
    private final Value[] owners = new Value[RING];
    private int next;

    public DeviceLoss(Kernels be) {
        this.be = be;
    }

    @Override
    public Value softmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes,
                                     int batch, double scale) {
        return forward("loss_xent_fwd", logits, labels, grad, classes, batch, scale);
    }

    @Override
    public Value meanSquaredError(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes, int batch,
                                  double scale) {
        return forward("loss_mse_fwd", logits, labels, grad, classes, batch, scale);
    }

    /**
     * Queues the forward kernel into the next ring slot's own partials buffer (not the shared scratch, which later
     * reductions of the step reuse) and returns a deferred value that reads them. The slot's previous value, if
     * still unread, is read first, so a value is never overwritten before it is read.
     */
    private Value forward(String kernel, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes,
                          int batch, double scale) {
        check(logits, labels, grad, classes, batch);
        int grid = Math.min(be.reductionBlocks(batch, THREADS), be.maxPartials() / SLOTS);
        DeviceBuffer partials;
        int slot = -1;
        if (be.capturing()) {
            // a captured launch writes its own buffer on every replay: outside the ring, never reused by it
            partials = be.backend().allocate(be.accDtype(), SLOTS * grid);
        } else {
            slot = next;
            next = (next + 1) % RING;
            if (owners[slot] != null) {
                owners[slot].resolve();
            }
            if (slots[slot] == null) {
                slots[slot] = be.backend().allocate(be.accDtype(), be.maxPartials());
            }
            partials = slots[slot];
        }
        be.kernel(kernel, logits.dtype())
                .buf(logits)                               // const T* o
                .buf(labels)                               // const T* y
                .buf(grad)                                 // T* g
                .buf(partials)                             // double* partials
                .i(classes)                                // int classes
                .i(batch)                                  // int batch
                .d(scale)                                  // double scale
                .blocks(grid, THREADS)
                .run();
        Value v = Value.deferred(() -> read(partials, grid, labels, classes));
        if (slot >= 0) {
            owners[slot] = v;
        }
        return v;
    }

    /** Reads every value still pending in the ring (so that no later launch has to). */
    public void settle() {
        for (Value v : owners) {
            if (v != null) {
                v.resolve();
            }
        }
    }

    /** Sums the partials of one forward launch in index order; throws on an invalid label. */
    private Value read(DeviceBuffer partials, int grid, DeviceBuffer labels, int classes) {
        double[] p = new double[SLOTS * grid];
        be.backend().read(partials.slice(0, SLOTS * grid), p);
        double sum = 0;
        long correct = 0;
        double firstBad = Double.NEGATIVE_INFINITY;
        for (int blk = 0; blk < grid; blk++) {
            sum += p[blk];
            correct += (long) p[grid + blk];
            firstBad = Math.max(firstBad, p[2 * grid + blk]);
        }
        if (firstBad != Double.NEGATIVE_INFINITY) {
            int b = (int) -firstBad;
            double[] v = new double[1];
            be.backend().read(labels.slice(b, 1), v);
            throw new BackendException("loss: expected a label in [0, " + classes + "), found " + v[0]
                    + " at sample " + b);
        }
        return new Value(sum, correct);
    }

    @Override
    public void softmaxCrossEntropyRop(DeviceBuffer logits, DeviceBuffer rLogits, DeviceBuffer rGrad, int classes,
                                       int batch, double scale) {
        checkR(logits, rLogits, rGrad, classes, batch);
        be.kernel("loss_xent_rop", logits.dtype())
                .buf(logits)                               // const T* o
                .buf(rLogits)                              // const T* ro
                .buf(rGrad)                                // T* rg
                .i(classes)                                // int classes
                .i(batch)                                  // int batch
                .d(scale)                                  // double scale
                .over(batch, THREADS)
                .run();
    }

    @Override
    public void meanSquaredErrorRop(DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch, double scale) {
        checkR(rLogits, rLogits, rGrad, classes, batch);
        be.kernel("loss_mse_rop", rLogits.dtype())
                .buf(rLogits)                              // const T* ro
                .buf(rGrad)                                // T* rg
                .i(classes)                                // int classes
                .i(batch)                                  // int batch
                .d(scale)                                  // double scale
                .over((long) classes * batch, THREADS)
                .run();
    }

    private static void check(DeviceBuffer o, DeviceBuffer y, DeviceBuffer g, int classes, int batch) {
        if (o.length() != classes * batch || g.length() != classes * batch || y.length() != batch) {
            throw new BackendException("loss: expected logits and grad of " + classes + "x" + batch + " and " + batch
                    + " labels, found " + o.length() + ", " + g.length() + ", " + y.length());
        }
        sameDtype("loss", o, y, g);
    }

    private static void checkR(DeviceBuffer o, DeviceBuffer ro, DeviceBuffer rg, int classes, int batch) {
        if (o.length() != classes * batch || ro.length() != classes * batch || rg.length() != classes * batch) {
            throw new BackendException("loss R-op: expected logits, R{logits} and R{grad} of " + classes + "x" + batch
                    + ", found " + o.length() + ", " + ro.length() + ", " + rg.length());
        }
        sameDtype("loss R-op", o, ro, rg);
    }

    /** The kernels take one element type for all their buffers (labels included). */
    private static void sameDtype(String op, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) {
        DType t = a.dtype();
        if (b.dtype() != t || c.dtype() != t) {
            throw new BackendException(op + ": expected every buffer in " + t + " (the logits dtype), found "
                    + a.dtype() + ", " + b.dtype() + ", " + c.dtype());
        }
    }
}
