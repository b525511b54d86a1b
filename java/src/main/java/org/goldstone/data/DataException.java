package org.goldstone.data;

import org.goldstone.GoldstoneException;

/** A data file or data set is missing, malformed or inconsistent; the message names the file, expected and found. */
public final class DataException extends GoldstoneException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
