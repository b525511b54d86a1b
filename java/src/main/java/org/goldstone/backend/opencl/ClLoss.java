package org.goldstone.backend.opencl;

import org.goldstone.backend.LossOps;

/** Launchers of the Loss family (being written). */
abstract class ClLoss implements LossOps {
    ClLoss(ClBackend be) {
    }
}
