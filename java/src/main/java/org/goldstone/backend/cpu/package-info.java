/**
 * The CPU backend: the definition of every op family (the "twins" that GPU kernels are tested against), in fp64
 * and fp32, with a cache-blocked GEMM and fused norm nonlinearity split over worker threads. No JNI, no native BLAS.
 */
package org.goldstone.backend.cpu;
