/**
 * The CUDA backend through JCuda's driver API: {@code CudaBackend} (context, stream, pooled allocator, pinned
 * staging), {@code CudaModule} (the fatbin embedded in the jar) and one launcher class per op family. The classes
 * here launch kernels and hold no math: each kernel's definition is its CPU twin in {@code backend.cpu}.
 */
package org.goldstone.backend.cuda;
