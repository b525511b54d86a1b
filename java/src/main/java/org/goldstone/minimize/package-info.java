/**
 * The tiny-net laboratory's deterministic fp64 minimizers: dense BFGS with a strong-Wolfe line search, then Newton
 * polishing with the exact dense Hessian and an eigenvalue pseudo-inverse, so that a minimum is reached to
 * |g| ~ 1e-13 and the Hessian's symmetry zero modes can be counted (SCIENCE d.7, d.8). Stochastic training lives in
 * {@code optim} and {@code train}; matrix-free spectral estimators live in {@code spectral}.
 */
package org.goldstone.minimize;
