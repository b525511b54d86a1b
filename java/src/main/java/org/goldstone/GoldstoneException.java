package org.goldstone;

/** Root of every unchecked exception the engine throws; the CLI maps it to an exit code and one line. */
public class GoldstoneException extends RuntimeException {
    public GoldstoneException(String message) {
        super(message);
    }

    public GoldstoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
