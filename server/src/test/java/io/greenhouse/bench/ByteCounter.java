package io.greenhouse.bench;

import java.io.OutputStream;

/** Counts bytes in constant memory: a collecting reader would measure itself. */
final class ByteCounter extends OutputStream {
    private long count;

    @Override
    public synchronized void write(int b) {
        count++;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        count += len;
    }

    synchronized long count() {
        return count;
    }
}
