/**
 * Network stages behind the {@link org.goldstone.layer.Layer} contract: the symmetry-breaking affine embedding and
 * readout, equivariant linear maps, norm nonlinearities with their radial profiles, and the real baseline block.
 * Layers only call backend op families; they never touch device memory.
 */
package org.goldstone.layer;
