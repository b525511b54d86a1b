package org.goldstone.backend.opencl;

import org.goldstone.backend.NormActOps;

/** Launchers of the NormAct family (being written). */
abstract class ClNormAct implements NormActOps {
    ClNormAct(ClBackend be) {
    }
}
