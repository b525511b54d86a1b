package org.goldstone.backend;

/** A device kernel failed: names the kernel, its launch shape and the device's error. */
public final class KernelLaunchException extends BackendException {
    public KernelLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
