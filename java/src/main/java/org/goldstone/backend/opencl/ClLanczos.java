package org.goldstone.backend.opencl;

import org.goldstone.backend.LanczosOps;

/** Launchers of the Lanczos family (being written). */
abstract class ClLanczos implements LanczosOps {
    ClLanczos(ClBackend be) {
    }
}
