package io.greenhouse.backend;

/** The state of a container's part cannot be told now (a query failed or timed out); ask again later. */
public final class StateUnknownException extends GardenException {
    public StateUnknownException(String message) {
        super(message);
    }
}
