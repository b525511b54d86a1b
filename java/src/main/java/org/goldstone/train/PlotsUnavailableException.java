package org.goldstone.train;

import org.goldstone.GoldstoneException;

/**
 * PNG rendering is impossible on this Java runtime (no java.desktop module, or its font library cannot load, as on
 * a minimal GPU-node image). Callers that write plots beside data files report it in one line and go on: the CSV
 * and JSON files hold everything the plots show.
 */
public final class PlotsUnavailableException extends GoldstoneException {
    public PlotsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
