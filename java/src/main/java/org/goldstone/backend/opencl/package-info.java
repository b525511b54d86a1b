/**
 * The OpenCL backend through JOCL: {@code ClBackend} (platform and device, context, one in-order queue, pooled
 * buffers), {@code ClProgram} (the kernel sources embedded in the jar, built per device, binaries cached) and one
 * launcher class per op family. Launchers hold no math: each kernel's definition is its CPU twin in
 * {@code backend.cpu}. Runs on GPUs and, through PoCL, on the CPU (so CI tests the kernels).
 */
package org.goldstone.backend.opencl;
