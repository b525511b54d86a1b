package org.goldstone.backend.opencl;

import org.goldstone.backend.EquivLinearOps;

/** Launchers of the EquivLinear family (being written). */
abstract class ClEquivLinear implements EquivLinearOps {
    ClEquivLinear(ClBackend be) {
    }
}
