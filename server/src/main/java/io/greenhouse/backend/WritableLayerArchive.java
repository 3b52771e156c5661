package io.greenhouse.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A container's writable layer (an overlayfs upper directory) as a layer tar in the OCI form:
 * whiteouts as {@code .wh.NAME}, opaque directories as {@code .wh..wh..opq}. The checkpointer moves
 * a writable layer between cells with it.
 */
public interface WritableLayerArchive {

    /** Writes the upper directory (which nothing writes to meanwhile) as a layer tar. */
    void pack(Path upper, OutputStream tar) throws IOException;

    /**
     * Unpacks a layer tar, hostile input, into the empty upper directory; nothing is written
     * outside it. Returns the bytes of file content written.
     */
    long unpack(InputStream tar, Path upper) throws IOException;
}
