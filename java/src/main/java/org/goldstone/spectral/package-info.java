/**
 * Hessian spectroscopy: symmetric operators (the exact Hessian-vector product of a network, its Gauss-Newton part)
 * and the estimators on them (power iteration, Lanczos, block Lanczos, Hutchinson trace, stochastic Lanczos
 * quadrature). Symmetry accounting (Goldstone modes) lives in {@code symmetry}.
 */
package org.goldstone.spectral;
