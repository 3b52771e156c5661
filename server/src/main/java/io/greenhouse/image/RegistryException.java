package io.greenhouse.image;

import io.greenhouse.backend.GardenException;

/** A registry refused or failed a request; the message says which image and why. */
public final class RegistryException extends GardenException {
    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, 0 when the registry could not be reached. */
    public int status() {
        return status;
    }
}
