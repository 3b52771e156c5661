package io.greenhouse.backend;

/**
 * A failure the Garden API reports to its client. The subclasses are the error types the Go
 * client recognises; anything else is reported as a plain error with this message.
 */
public class GardenException extends RuntimeException {
    public GardenException(String message) {
        super(message);
    }

    public GardenException(String message, Throwable cause) {
        super(message, cause);
    }
}
