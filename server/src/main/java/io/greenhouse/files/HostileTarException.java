package io.greenhouse.files;

import io.greenhouse.backend.GardenException;

/** A tar stream refused before any byte of the offending entry reached the container. */
public final class HostileTarException extends GardenException {
    public HostileTarException(String message) {
        super("error streaming in: refused tar stream: " + message);
    }
}
