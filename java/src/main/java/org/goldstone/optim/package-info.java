/**
 * Optimizers over the flat parameter vector: update rules (SGD, heavy-ball and Nesterov momentum, Adam, AdamW),
 * learning-rate schedules with warm-up, and global-norm clipping. The fused update loops are the backend's
 * {@code OptimOps}; this package holds the state and the bookkeeping.
 */
package org.goldstone.optim;
