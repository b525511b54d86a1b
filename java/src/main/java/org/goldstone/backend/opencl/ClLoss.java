package org.goldstone.backend.opencl;

import org.goldstone.backend.BackendException;
import org.goldstone.backend.DeviceBuffer;
import org.goldstone.backend.LossOps;
import org.goldstone.tensor.DType;

/**
 * Launchers of the loss family (kernels/opencl/loss.cl; the definition is {@code CpuLoss}). The forward kernels
 * write three partials per work-group (summed loss, correct count, first sample with an invalid label), which are
 * read back and summed here in index order.
 */
final class ClLoss implements LossOps {
    private static final int THREADS = 256;
    /** Partials per work-group of the forward kernels: loss, correct count, first invalid label. */
    private static final int SLOTS = 3;

    private final ClBackend be;

    ClLoss(ClBackend be) {
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

    private Value forward(String kernel, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer grad, int classes,
                          int batch, double scale) {
        check(logits, labels, grad, classes, batch);
        int groups = Math.min(be.reductionGroups(batch, THREADS), ClBackend.MAX_PARTIALS / SLOTS);
        be.kernel(kernel, logits.dtype())
                .buf(logits)                               // const real_t* o, int oOff
                .buf(labels)                               // const real_t* y, int yOff
                .buf(grad)                                 // real_t* g, int gOff
                .buf(be.partials())                        // acc_t* partials, int partialsOff
                .i(classes)                                // int classes
                .i(batch)                                  // int batch
                .d(scale)                                  // acc_t scale
                .groups(groups, THREADS)
                .run();
        double[] p = be.readPartials(SLOTS * groups);
        double sum = 0;
        long correct = 0;
        double firstBad = Double.NEGATIVE_INFINITY;
        for (int g = 0; g < groups; g++) {
            sum += p[g];
            correct += (long) p[groups + g];
            firstBad = Math.max(firstBad, p[2 * groups + g]);
        }
        if (firstBad != Double.NEGATIVE_INFINITY) {
            int b = (int) -firstBad;
            double[] v = new double[1];
            be.read(labels.slice(b, 1), v);
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
                .buf(logits)                               // const real_t* o, int oOff
                .buf(rLogits)                              // const real_t* ro, int roOff
                .buf(rGrad)                                // real_t* rg, int rgOff
                .i(classes)                                // int classes
                .i(batch)                                  // int batch
                .d(scale)                                  // acc_t scale
                .over(batch, THREADS)
                .run();
    }

    @Override
    public void meanSquaredErrorRop(DeviceBuffer rLogits, DeviceBuffer rGrad, int classes, int batch, double scale) {
        checkR(rLogits, rLogits, rGrad, classes, batch);
        be.kernel("loss_mse_rop", rLogits.dtype())
                .buf(rLogits)                              // const real_t* ro, int roOff
                .buf(rGrad)                                // real_t* rg, int rgOff
                .i(classes)                                // int classes
                .i(batch)                                  // int batch
                .d(scale)                                  // acc_t scale
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
