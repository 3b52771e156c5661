package io.greenhouse.image;

import java.time.Duration;

/** What the image side reports for metrics; {@link #NONE} for tests that do not count. */
public interface ImageEvents {
    ImageEvents NONE = new ImageEvents() { };

    /** An image's layers are all in the store: {@code downloaded} of them were fetched now. */
    default void pulled(String image, int layers, int downloaded, long bytes, Duration took) { }

    default void pullFailed(String image) { }

    default void layerCached() { }

    default void layerDownloaded(long bytes) { }

    default void collected(int layers, long bytes) { }
}
