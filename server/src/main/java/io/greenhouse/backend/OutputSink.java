package io.greenhouse.backend;

import java.io.IOException;

/** Where a process's stdout or stderr goes: a client's stream connection. */
public interface OutputSink {

    /**
     * Blocks while the reader is slow, which in turn slows the process down (nothing is dropped).
     * The bytes are the caller's again once this returns (the reader reuses its array): copy to keep.
     */
    void write(byte[] data, int offset, int length) throws IOException;

    /** The stream is over (the process exited, or the container is going away). */
    void end();
}
