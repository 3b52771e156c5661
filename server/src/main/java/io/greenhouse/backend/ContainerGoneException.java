package io.greenhouse.backend;

/** A part of a container that a previous run of the server made is definitely no longer there. */
public final class ContainerGoneException extends GardenException {
    public ContainerGoneException(String message) {
        super(message);
    }
}
