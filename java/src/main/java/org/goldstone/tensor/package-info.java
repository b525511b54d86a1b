/**
 * Element types and shapes shared by every backend: {@link org.goldstone.tensor.DType} and
 * {@link org.goldstone.tensor.UnitShape}. No storage and no math lives here.
 */
package org.goldstone.tensor;
