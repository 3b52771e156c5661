package io.greenhouse.process;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The server's end of a greenhouse-monitor's socket: frames of [type][4-byte big-endian length][payload].
 * One thread reads; writes from any thread are serialised.
 */
final class MonitorLink implements AutoCloseable {
    static final byte STDOUT = 'O';
    static final byte STDERR = 'E';
    static final byte EXIT = 'X';
    static final byte STDIN = 'I';
    static final byte CLOSE_STDIN = 'C';
    static final byte SIGNAL = 'S';
    static final byte WINDOW_SIZE = 'W';
    /** The largest stdin frame the server sends (every monitor takes stdin frames of any length). */
    static final int MAX_FRAME = 64 * 1024;
    /**
     * The largest frame read. Monitors started by an earlier server (still serving containers
     * across an upgrade) send output frames of at most 64 KiB, newer ones larger (greenhouse-monitor.c,
     * OUTPUT_FRAME_MAX): both are read.
     */
    static final int MAX_READ_FRAME = 1024 * 1024;
    static final int HEADER = 5;
    /** At most this much output of one stream is handed on at once (one client write and flush). */
    static final int MAX_COALESCED = 1024 * 1024;
    /** The read buffer while output is sparse; it grows to the largest frame once a read fills it. */
    private static final int SMALL_BUFFER = HEADER + 64 * 1024;
    private static final long SHRINK_AFTER_NANOS = 2_000_000_000L;

    private final SocketChannel channel;
    /** Bytes read from the monitor and not yet handed out, between position and limit (read mode). */
    private ByteBuffer in;
    /** When a read last filled the buffer: a stream quiet for a while goes back to the small buffer. */
    private long lastFilledNanos;
    /** Where output payloads are handed out, reused from frame to frame. */
    private byte[] out;

    private MonitorLink(SocketChannel channel) {
        this.channel = channel;
    }

    static MonitorLink connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new MonitorLink(ch);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A frame: its payload is the first length bytes of the array. The array of an output frame is
     * the link's own and is reused by the next read (copy what must be kept).
     */
    record Frame(byte type, byte[] payload, int length) {
    }

    /**
     * The next frame, or null at the end of the connection. Called by the one reader thread.
     * Output frames of the same stream that have already arrived behind it come as one frame (up to
     * {@link #MAX_COALESCED} bytes): a busy stream is read in large reads and written to the client
     * in large writes, whatever size of frames the monitor sends.
     */
    Frame read() throws IOException {
        if (in == null || (!in.hasRemaining() && in.capacity() > SMALL_BUFFER
                && System.nanoTime() - lastFilledNanos > SHRINK_AFTER_NANOS)) {
            // Nothing buffered and output has been sparse for a while (or has not started): a large
            // buffer would otherwise stay for as long as the process lives, for every process.
            in = ByteBuffer.allocateDirect(SMALL_BUFFER).flip();
            out = null;
        }
        if (!need(HEADER, true)) {
            return null;
        }
        byte type = in.get(in.position());
        int length = length(in.position());
        need(HEADER + length, false);
        if (type != STDOUT && type != STDERR) {
            byte[] payload = take(length);
            return new Frame(type, payload, payload.length);
        }
        // How much of the same stream follows, complete, in what was already read.
        int total = length;
        int at = in.position() + HEADER + length;
        while (in.limit() - at >= HEADER && in.get(at) == type) {
            int next = length(at);
            if (in.limit() - at - HEADER < next || total + next > MAX_COALESCED) {
                break;
            }
            total += next;
            at += HEADER + next;
        }
        if (out == null || out.length < total) {
            // What the buffer holds bounds the payload of one read: an array as large is enough.
            out = new byte[Math.max(total, Math.min(in.capacity(), MAX_COALESCED))];
        }
        for (int off = 0; off < total; ) {
            int n = length(in.position());
            in.position(in.position() + HEADER);
            in.get(out, off, n);
            off += n;
        }
        return new Frame(type, out, total);
    }

    /** The payload length of the frame whose header starts at index at of the buffer, checked. */
    private int length(int at) throws IOException {
        int length = in.getInt(at + 1);
        if (length < 0 || length > MAX_READ_FRAME) {
            throw new IOException("monitor frame too large: " + length);
        }
        return length;
    }

    private byte[] take(int length) {
        in.position(in.position() + HEADER);
        byte[] payload = new byte[length];
        in.get(payload);
        return payload;
    }

    /** Reads until at least n bytes are buffered; false at a clean end (nothing buffered). */
    private boolean need(int n, boolean endAllowed) throws IOException {
        if (in.remaining() >= n) {
            return true;
        }
        if (in.capacity() < n) {
            grow(HEADER + MAX_READ_FRAME);
        } else if (in.capacity() - in.position() < n) {
            in.compact().flip();
        }
        while (in.remaining() < n) {
            int start = in.position();
            int end = in.limit();
            in.position(end).limit(in.capacity());
            int got = channel.read(in);
            boolean filled = !in.hasRemaining();
            if (filled) {
                lastFilledNanos = System.nanoTime();
            }
            in.limit(in.position()).position(start);
            if (got < 0) {
                if (endAllowed && in.remaining() == 0) {
                    return false;
                }
                throw new EOFException("monitor connection ended mid-frame");
            }
            if (filled && in.capacity() < HEADER + MAX_READ_FRAME) {
                // A stream with more to give than the buffer holds: read it in large reads from now on.
                grow(HEADER + MAX_READ_FRAME);
            }
            if (in.capacity() - in.position() < n) {
                in.compact().flip();
            }
        }
        return true;
    }

    private void grow(int capacity) {
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
        bigger.put(in).flip();
        in = bigger;
    }

    void send(byte type, byte[] payload, int offset, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + length);
        frame.put(type).putInt(length).put(payload, offset, length).flip();
        synchronized (this) {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }
    }

    void sendInt(byte type, int value) throws IOException {
        byte[] p = ByteBuffer.allocate(4).putInt(value).array();
        send(type, p, 0, 4);
    }

    void sendWindowSize(int rows, int columns) throws IOException {
        byte[] p = ByteBuffer.allocate(4).putShort((short) rows).putShort((short) columns).array();
        send(WINDOW_SIZE, p, 0, 4);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
