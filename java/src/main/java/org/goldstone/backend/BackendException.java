package org.goldstone.backend;

import org.goldstone.GoldstoneException;

/** A backend could not do what was asked (allocation, launch, transfer). */
public class BackendException extends GoldstoneException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
