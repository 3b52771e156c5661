package io.greenhouse.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's reading of a monitor's frames, against a unix socket this test writes to as the monitor. */
class MonitorLinkTest {
    @TempDir
    Path dir;
    private ServerSocketChannel listener;
    private SocketChannel monitor;
    private MonitorLink link;

    @BeforeEach
    void connect() throws Exception {
        Path socket = dir.resolve("monitor.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        link = MonitorLink.connect(socket);
        monitor = accepted.get();
    }

    @AfterEach
    void close() throws Exception {
        link.close();
        monitor.close();
        listener.close();
    }

    private static byte[] frame(char type, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put((byte) type).putInt(payload.length).put(payload).array();
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private void send(byte[]... frames) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        ByteBuffer b = ByteBuffer.wrap(all.toByteArray());
        while (b.hasRemaining()) {
            monitor.write(b);
        }
    }

    /** Writes from another thread: more than the socket holds would block this one. */
    private CompletableFuture<Void> sendAsync(byte[]... frames) {
        return CompletableFuture.runAsync(() -> {
            try {
                send(frames);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static byte[] payload(MonitorLink.Frame f) {
        return Arrays.copyOf(f.payload(), f.length());
    }

    /** Reads output frames of one type until n bytes came; the bytes, in order. */
    private byte[] readOutput(byte type, int n) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < n) {
            MonitorLink.Frame f = link.read();
            assertEquals(type, f.type());
            got.write(f.payload(), 0, f.length());
        }
        return got.toByteArray();
    }

    @Test
    void framesOfAnOlderMonitorAndOfTheLargestSizeAreRead() throws Exception {
        byte[] small = bytes(64 * 1024, 1);
        byte[] large = bytes(MonitorLink.MAX_READ_FRAME, 2);
        CompletableFuture<Void> sent = sendAsync(frame('O', small), frame('E', large), frame('X', new byte[] {0, 0, 0, 7}));
        assertArrayEquals(small, readOutput(MonitorLink.STDOUT, small.length));
        assertArrayEquals(large, readOutput(MonitorLink.STDERR, large.length));
        MonitorLink.Frame exit = link.read();
        assertEquals(MonitorLink.EXIT, exit.type());
        assertEquals(7, ByteBuffer.wrap(exit.payload(), 0, exit.length()).getInt());
        sent.get();
        monitor.close();
        assertNull(link.read());
    }

    @Test
    void outputFramesAlreadyArrivedComeAsOneAndStreamsStayApartInOrder() throws Exception {
        send(frame('O', "one ".getBytes()), frame('O', "two ".getBytes()), frame('O', "three".getBytes()),
                frame('E', "err".getBytes()), frame('O', "four".getBytes()), frame('X', new byte[4]));
        MonitorLink.Frame out = link.read();
        assertEquals(MonitorLink.STDOUT, out.type());
        assertEquals("one two three", new String(payload(out)));
        MonitorLink.Frame err = link.read();
        assertEquals(MonitorLink.STDERR, err.type());
        assertEquals("err", new String(payload(err)));
        assertEquals("four", new String(payload(link.read())));
        assertEquals(MonitorLink.EXIT, link.read().type());
    }

    @Test
    void aFrameArrivingInPiecesIsReadWhole() throws Exception {
        byte[] f = frame('O', "in pieces".getBytes());
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                for (byte b : f) {
                    monitor.write(ByteBuffer.wrap(new byte[] {b}));
                    Thread.sleep(2);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals("in pieces", new String(readOutput(MonitorLink.STDOUT, 9)));
        sent.get();
    }

    @Test
    void framesOfMixedSizesArriveIntactAsTheBufferGrows() throws Exception {
        // 64 KiB frames, then 1 MiB ones, then small ones: every byte in order whatever the buffer size.
        byte[] a = bytes(3 * 64 * 1024, 3);
        byte[] b = bytes(3 * MonitorLink.MAX_READ_FRAME, 4);
        CompletableFuture<Void> sent = sendAsync(
                frame('O', Arrays.copyOfRange(a, 0, 65536)), frame('O', Arrays.copyOfRange(a, 65536, 131072)),
                frame('O', Arrays.copyOfRange(a, 131072, a.length)),
                frame('O', Arrays.copyOfRange(b, 0, 1 << 20)), frame('O', Arrays.copyOfRange(b, 1 << 20, 2 << 20)),
                frame('O', Arrays.copyOfRange(b, 2 << 20, b.length)), frame('O', "tail".getBytes()));
        assertArrayEquals(a, readOutput(MonitorLink.STDOUT, a.length));
        byte[] rest = readOutput(MonitorLink.STDOUT, b.length + 4);
        assertArrayEquals(b, Arrays.copyOf(rest, b.length));
        assertEquals("tail", new String(rest, b.length, 4));
        sent.get();
    }

    @Test
    void aFrameLongerThanTheLargestIsRefused() throws Exception {
        send(ByteBuffer.allocate(5).put((byte) 'O').putInt(MonitorLink.MAX_READ_FRAME + 1).array());
        IOException e = assertThrows(IOException.class, link::read);
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void theConnectionEndingMidFrameIsAnError() throws Exception {
        send(Arrays.copyOf(frame('O', "cut".getBytes()), 6));
        monitor.close();
        assertThrows(EOFException.class, link::read);
    }
}
