/**
 * The tiny-net laboratory (SCIENCE d.7, g.7-g.9, h.1-h.2): small networks trained in fp64 with weight decay to a
 * polished minimum (BFGS, then Newton) and the Goldstone accounting of their exact Hessians. Estimators live in
 * {@code spectral}, the symmetry bookkeeping in {@code symmetry}, the minimizers in {@code minimize}.
 */
package org.goldstone.lab;
