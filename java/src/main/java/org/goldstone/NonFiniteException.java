package org.goldstone;

/** A loss, gradient or parameter became NaN or infinite; names the step and the layer. */
public final class NonFiniteException extends GoldstoneException {
    private final long step;
    private final String layer;

    public NonFiniteException(long step, String layer, String what) {
        super("non-finite " + what + " at step " + step + " in layer " + layer);
        this.step = step;
        this.layer = layer;
    }

    public long step() {
        return step;
    }

    public String layer() {
        return layer;
    }
}
