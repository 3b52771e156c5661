package io.greenhouse.backend;

/** The cell cannot serve the request now (shutting down, still loading); the client may retry. */
public final class ServiceUnavailableException extends GardenException {
    public ServiceUnavailableException(String message) {
        super(message);
    }
}
