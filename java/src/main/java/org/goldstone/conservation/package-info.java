/**
 * Neural-Mechanics conservation laws (SCIENCE e.1-e.6): the parameter sets of translation, scale and rescale
 * symmetries ({@link org.goldstone.conservation.SymmetrySets}) and a monitor that follows their charges through
 * training and compares them with the exact discrete laws and the continuous predictions
 * ({@link org.goldstone.conservation.ConservationMonitor}). Rotation/phase tangents live in {@code symmetry}.
 */
package org.goldstone.conservation;
