package org.goldstone.layer;

/**
 * One named parameter tensor inside a layer's slice: elements [offset, offset + size) of the slice, with a
 * row-major shape for checkpoints (the storage itself is column-major: shape {rows, cols} is stored as its
 * transpose, cols x rows row-major, i.e. shape in the file is {cols, rows}).
 */
public record ParamBlock(String name, int offset, int[] shape) {
    public int size() {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }
}
