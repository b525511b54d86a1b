/**
 * Kernel launchers shared by the accelerator backends: one class per op family (validation, argument order, launch
 * shape) written once against {@link org.goldstone.backend.device.Kernels}, which CUDA and OpenCL implement. Kernels
 * of the same family have the same names and parameters in {@code kernels/cuda} and {@code kernels/opencl}. No math
 * here: the definitions are the CPU twins in {@code backend.cpu}.
 */
package org.goldstone.backend.device;
