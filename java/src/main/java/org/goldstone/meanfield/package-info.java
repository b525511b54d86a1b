/**
 * Mean-field theory of deep norm-nonlinearity networks (SCIENCE b.1-b.5): the order-parameter map and its fixed
 * point, Jacobian multipliers and depth scales, the U(1) two-input Bessel kernel, seeded finite-width simulations
 * and the phase diagram. Fp64, CPU only; no layers, backends or training live here (see org.goldstone.net).
 */
package org.goldstone.meanfield;
