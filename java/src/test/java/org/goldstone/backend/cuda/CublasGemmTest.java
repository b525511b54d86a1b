package org.goldstone.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What Mode.BF16 converts before cuBLAS runs: the extent of an operand view and its workspace. Needs no device. */
class CublasGemmTest {
    @Test
    void theReadExtentStopsAtTheLastRowOfTheLastColumn() {
        assertEquals(37L * 41, CublasGemm.readExtent(37, 41, 37));       // a whole matrix, ld = rows
        assertEquals(2L * 100 + 7, CublasGemm.readExtent(7, 3, 100));    // a 7-row view of 100-row columns
        assertEquals(5, CublasGemm.readExtent(5, 1, 64));                // one column: ld never matters
        assertEquals(0, CublasGemm.readExtent(0, 9, 16));                // kk = 0: nothing is read
        assertEquals(0, CublasGemm.readExtent(9, 0, 16));
        assertEquals(2L * (Integer.MAX_VALUE - 1) + 3,                   // long arithmetic: no int overflow
                CublasGemm.readExtent(3, 3, Integer.MAX_VALUE - 1));
    }

    @Test
    void theWorkspaceHoldsTwoBf16PerFloat() {
        assertEquals(1, CublasGemm.bf16WorkspaceLength(0));              // still a valid pointer
        assertEquals(1, CublasGemm.bf16WorkspaceLength(1));
        assertEquals(1, CublasGemm.bf16WorkspaceLength(2));
        assertEquals(19, CublasGemm.bf16WorkspaceLength(37));
        assertEquals(1 << 30, CublasGemm.bf16WorkspaceLength(Integer.MAX_VALUE));
    }
}
