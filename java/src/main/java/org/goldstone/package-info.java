/**
 * Goldstone: training and Hessian spectroscopy for deep U(1)/O(k) equivariant networks.
 * The root package holds only the exception hierarchy; everything else lives in the domain packages
 * (tensor, backend, group, layer, net, loss, optim, train, data, cli).
 */
package org.goldstone;
