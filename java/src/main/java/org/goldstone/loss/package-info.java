/**
 * Loss heads (softmax cross-entropy, squared error) over logits; the arithmetic is the backend's {@code LossOps}.
 * Weight decay is part of the objective and lives with the trainer.
 */
package org.goldstone.loss;
