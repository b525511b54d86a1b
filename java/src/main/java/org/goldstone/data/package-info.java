/**
 * Data sets held in host memory: {@link org.goldstone.data.Dataset}, the IDX reader and Fashion-MNIST loader,
 * the seeded {@link org.goldstone.data.SyntheticTasks}, and seeded shuffling in {@link org.goldstone.data.Batches}.
 * Nothing here touches a backend or device memory; batches are copied out with {@code Dataset.gather}.
 */
package org.goldstone.data;
