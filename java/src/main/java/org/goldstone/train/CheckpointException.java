package org.goldstone.train;

import org.goldstone.GoldstoneException;

/**
 * A checkpoint could not be written or read back. The one-line message names the file, what was expected and
 * what was found; the cause, if any, is kept.
 */
public final class CheckpointException extends GoldstoneException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
