package org.goldstone.backend;

/** The backend cannot be opened on this machine; the message is a one-line reason. */
public final class BackendUnavailableException extends BackendException {
    public BackendUnavailableException(String reason) {
        super(reason);
    }

    public BackendUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
