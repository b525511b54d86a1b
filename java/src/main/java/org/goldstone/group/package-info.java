/**
 * The symmetry groups of the internal layers, U(1) and O(k), their elements and their action on activations in
 * the unit layout. Parameter-space actions (tangent vectors, Goldstone counting) live in {@code symmetry}.
 */
package org.goldstone.group;
