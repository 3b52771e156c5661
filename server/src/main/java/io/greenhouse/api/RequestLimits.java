package io.greenhouse.api;

/**
 * How much of a request the API reads. JSON bodies are read whole before they are decoded, so
 * their size is bounded ({@code greenhouse.api.max-body-bytes}); StreamIn's tar bodies stream and
 * have limits of their own (greenhouse.files.*).
 */
public record RequestLimits(long maxBodyBytes) {
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

    public RequestLimits {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("greenhouse.api.max-body-bytes must be positive, not " + maxBodyBytes);
        }
    }
}
