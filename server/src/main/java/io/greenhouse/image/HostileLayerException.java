package io.greenhouse.image;

import io.greenhouse.backend.GardenException;

/** A layer whose tar would write outside its own directory, or that cannot be represented safely. */
public final class HostileLayerException extends GardenException {
    public HostileLayerException(String message) {
        super(message);
    }
}
