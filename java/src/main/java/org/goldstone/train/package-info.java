/**
 * Training runs: {@link org.goldstone.train.TrainConfig}, the {@link org.goldstone.train.Trainer} loop with its
 * non-finite guard, safetensors checkpoints ({@link org.goldstone.train.Safetensors},
 * {@link org.goldstone.train.CheckpointStore}), metrics logs (CSV, JSONL) and PNG plots. No layer math lives here.
 */
package org.goldstone.train;
