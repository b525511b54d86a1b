/**
 * The backend seam: {@link org.goldstone.backend.Backend}, {@link org.goldstone.backend.DeviceBuffer} and one
 * {@code *Ops} interface per op family. Implementations live in sub-packages ({@code cpu} is the definition);
 * nothing above this package touches device memory.
 */
package org.goldstone.backend;
