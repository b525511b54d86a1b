package org.goldstone.backend.opencl;

import org.goldstone.backend.ReduceOps;

/** Launchers of the Reduce family (being written). */
abstract class ClReduce implements ReduceOps {
    ClReduce(ClBackend be) {
    }
}
