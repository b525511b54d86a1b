package org.goldstone.spectral;

/** How a Lanczos run keeps its basis orthogonal (SCIENCE d.4). */
public enum Reorthogonalization {
    /**
     * Every new vector is orthogonalized against the whole basis by classical Gram-Schmidt, twice when the first
     * pass removed more than 30 % of it ("twice is enough", DGKS): Ritz values free of ghost copies, m x P doubles of
     * memory (floats when the operator rounds its input to fp32), O(m^2 P) work.
     */
    FULL,
    /**
     * The plain three-term recurrence, two vectors of memory. In floating point the basis loses orthogonality once a
     * Ritz value converges, and converged eigenvalues reappear as spurious copies ("ghosts"): use only for short runs
     * or when memory forbids FULL.
     */
    NONE
}
