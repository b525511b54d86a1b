/**
 * Symmetries of the parameters: the group action on a network's flat parameter vector that leaves the loss
 * invariant (global U(1)/O(k), U(1) per-unit phase gauge). Goldstone counting and conservation monitors build on it.
 */
package org.goldstone.symmetry;
