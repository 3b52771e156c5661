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
    static final int MAX_FRAME = 64 * 1024;

    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(5);

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

    record Frame(byte type, byte[] payload) {
    }

    /** The next frame, or null at the end of the connection. Called by the one reader thread. */
    Frame read() throws IOException {
        header.clear();
        if (!fill(header, true)) {
            return null;
        }
        header.flip();
        byte type = header.get();
        int length = header.getInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("monitor frame too large: " + length);
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        fill(payload, false);
        return new Frame(type, payload.array());
    }

    private boolean fill(ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("monitor connection ended mid-frame");
            }
        }
        return true;
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
