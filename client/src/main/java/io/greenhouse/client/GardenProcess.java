package io.greenhouse.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process run or attached to over Garden's hijacked connection, as the Go client does it: the
 * control connection carries newline-delimited ProcessPayload JSON both ways, stdout and stderr
 * each come raw on a connection of their own.
 */
public final class GardenProcess implements AutoCloseable {
    private final Socket control;
    private final InputStream controlIn;
    private final OutputStream controlOut;
    private final String id;
    private final String streamId;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final List<Thread> streamThreads = new ArrayList<>();
    private final List<Socket> streamSockets = new ArrayList<>();

    GardenProcess(Socket control, InputStream in, String id, String streamId) throws IOException {
        this.control = control;
        this.controlIn = in;
        this.controlOut = control.getOutputStream();
        this.id = id;
        this.streamId = streamId;
    }

    public String id() {
        return id;
    }

    public String streamId() {
        return streamId;
    }

    void streamTo(Socket socket, InputStream body, OutputStream sink) {
        streamSockets.add(socket);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n; (n = body.read(buf)) >= 0; ) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the stream ends when the connection does
            } finally {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }, "garden-client-stream");
        t.setDaemon(true);
        t.start();
        streamThreads.add(t);
    }

    void startWaiting() {
        Thread t = new Thread(() -> {
            try {
                for (String line; (line = readLine(controlIn)) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonObject p = Json.createReader(new StringReader(line)).readObject();
                    if (p.containsKey("error")) {
                        joinStreams();
                        exit.completeExceptionally(new IOException("process error: " + p.getString("error")));
                        return;
                    }
                    if (p.containsKey("exit_status")) {
                        joinStreams();
                        exit.complete(p.getInt("exit_status"));
                        return;
                    }
                }
                joinStreams();
                exit.completeExceptionally(new IOException("connection closed before an exit status"));
            } catch (IOException | RuntimeException e) {
                exit.completeExceptionally(e);
            } finally {
                close();
            }
        }, "garden-client-wait");
        t.setDaemon(true);
        t.start();
    }

    private void joinStreams() {
        for (Thread t : streamThreads) {
            try {
                t.join(TimeUnit.MINUTES.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for the exit status; like the Go client's Wait, after stdout and stderr ended. */
    public int await(Duration timeout) {
        try {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("process " + id + " did not exit within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public CompletableFuture<Integer> exit() {
        return exit;
    }

    public void stdin(String data) {
        send(Json.createObjectBuilder().add("process_id", id).add("source", 0).add("data", data));
    }

    public void closeStdin() {
        send(Json.createObjectBuilder().add("process_id", id).add("source", 0));
    }

    /**
     * Streams {@code in} to the process's stdin on a thread of its own until it ends, then closes
     * the process's stdin. Garden carries stdin as JSON strings, so bytes are decoded as UTF-8 with
     * a decoder that keeps a character cut between two reads for the next one.
     */
    public Thread pipeStdin(InputStream in) {
        Thread t = new Thread(() -> {
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            ByteBuffer bytes = ByteBuffer.allocate(16 * 1024);
            CharBuffer chars = CharBuffer.allocate(16 * 1024);
            try {
                for (int n; (n = in.read(bytes.array(), bytes.position(), bytes.remaining())) >= 0; ) {
                    bytes.position(bytes.position() + n);
                    bytes.flip();
                    decoder.decode(bytes, chars, false);
                    bytes.compact();
                    chars.flip();
                    if (chars.hasRemaining()) {
                        stdin(chars.toString());
                    }
                    chars.clear();
                }
                bytes.flip();
                decoder.decode(bytes, chars, true);
                decoder.flush(chars);
                chars.flip();
                if (chars.hasRemaining()) {
                    stdin(chars.toString());
                }
                closeStdin();
            } catch (IOException | UncheckedIOException e) {
                // the process or its connection is gone: nothing more to send
            }
        }, "garden-client-stdin");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** 0 terminate, 1 kill. */
    public void signal(int signal) {
        send(Json.createObjectBuilder().add("process_id", id).add("signal", signal));
    }

    public void resize(int columns, int rows) {
        send(Json.createObjectBuilder().add("process_id", id).add("tty", Json.createObjectBuilder()
                .add("window_size", Json.createObjectBuilder().add("columns", columns).add("rows", rows))));
    }

    private void send(JsonObjectBuilder payload) {
        byte[] bytes = (payload.build().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (controlOut) {
            try {
                controlOut.write(bytes);
                controlOut.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Drops the connections without waiting, as a client that goes away does. */
    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException e) {
            // closing
        }
    }

    public void closeAll() {
        close();
        for (Socket s : streamSockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
