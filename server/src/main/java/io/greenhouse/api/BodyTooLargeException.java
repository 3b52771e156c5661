package io.greenhouse.api;

import io.greenhouse.backend.GardenException;

/** A request body past {@link RequestLimits#maxBodyBytes()}: answered 413 with Garden's error JSON. */
public final class BodyTooLargeException extends GardenException {
    public BodyTooLargeException(long limit) {
        super("request body is larger than " + limit + " bytes (greenhouse.api.max-body-bytes)");
    }
}
