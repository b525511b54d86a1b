/**
 * Symmetry diagnostics of a network at one parameter point (SCIENCE f.1-f.4, f.6): gauge-aware unit pair distances
 * and collapse, feature and weight ranks, representational diversity, neural collapse, their per-step report and
 * layer x step heat maps. Everything is read-only on theta and runs on the fp64 CPU backend; the Hessian and the
 * Goldstone counting live in {@code org.goldstone.symmetry} and {@code org.goldstone.spectral}.
 */
package org.goldstone.diagnostics;
