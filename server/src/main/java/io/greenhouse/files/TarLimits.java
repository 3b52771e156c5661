package io.greenhouse.files;

/**
 * Bounds on one StreamIn, against tar bombs.
 *
 * @param maxBytes   most bytes of file content the stream may carry in total
 * @param maxEntries most entries the stream may hold (the sanitizer remembers names of files and
 *                   symlinks, so this also bounds its memory)
 */
public record TarLimits(long maxBytes, long maxEntries) {
    public TarLimits {
        if (maxBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("tar limits must be positive: " + maxBytes + ", " + maxEntries);
        }
    }
}
