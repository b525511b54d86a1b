package org.goldstone.backend.opencl;

import org.goldstone.backend.PointwiseOps;

/** Launchers of the Pointwise family (being written). */
abstract class ClPointwise implements PointwiseOps {
    ClPointwise(ClBackend be) {
    }
}
