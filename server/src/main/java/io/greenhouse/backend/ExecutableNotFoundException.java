package io.greenhouse.backend;

public final class ExecutableNotFoundException extends GardenException {
    public ExecutableNotFoundException(String message) {
        super(message);
    }
}
