package org.goldstone.backend.opencl;

import org.goldstone.backend.OptimOps;

/** Launchers of the Optim family (being written). */
abstract class ClOptim implements OptimOps {
    ClOptim(ClBackend be) {
    }
}
