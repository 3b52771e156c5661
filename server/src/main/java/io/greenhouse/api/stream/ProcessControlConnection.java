package io.greenhouse.api.stream;

import io.greenhouse.backend.ContainerProcess;
import io.greenhouse.backend.ProcessSignal;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connection of a Run or Attach once upgraded: newline-delimited ProcessPayload JSON both
 * ways. We send {process_id, stream_id} first and exit_status (or error) last; the client sends
 * stdin data, stdin EOF, signals and window sizes.
 */
public class ProcessControlConnection extends UpgradedConnection {
    private static final Logger LOG = Logger.getLogger(ProcessControlConnection.class.getName());
    private static final int MAX_LINE = 16 << 20;

    private ContainerProcess process;
    private String streamId;
    private AutoCloseable activity;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    void bind(ContainerProcess p, String stream, AutoCloseable heldActivity) {
        this.process = p;
        this.streamId = stream;
        this.activity = heldActivity;
    }

    @Override
    void started() {
        if (!send(Json.createObjectBuilder().add("process_id", process.id()).add("stream_id", streamId))) {
            return;
        }
        process.exitStatus().whenComplete((status, failure) -> {
            boolean delivered;
            if (failure == null) {
                delivered = send(Json.createObjectBuilder().add("process_id", process.id()).add("exit_status", status));
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                delivered = send(Json.createObjectBuilder().add("process_id", process.id())
                        .add("error", String.valueOf(cause.getMessage())));
            }
            close();
            if (delivered) {
                // A client has the status now: the process need not be kept for another.
                process.exitDelivered();
            }
        });
    }

    private boolean send(JsonObjectBuilder payload) {
        byte[] bytes = (payload.build().toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            write(bytes, 0, bytes.length);
            return true;
        } catch (IOException e) {
            LOG.log(Level.FINE, "client of process " + process.id() + " went away", e);
            close();
            return false;
        }
    }

    @Override
    void received(byte[] data, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (data[i] == '\n') {
                line.write(data, start, i - start);
                handle(line.toString(StandardCharsets.UTF_8));
                line.reset();
                start = i + 1;
            }
        }
        line.write(data, start, length - start);
        if (line.size() > MAX_LINE) {
            LOG.warning("process payload line too long; closing the connection");
            close();
        }
    }

    private void handle(String json) {
        if (json.isBlank()) {
            return;
        }
        JsonObject payload;
        try {
            payload = Json.createReader(new StringReader(json)).readObject();
        } catch (JsonException | IllegalStateException e) {
            LOG.fine(() -> "ignoring malformed process payload: " + e.getMessage());
            return;
        }
        JsonValue tty = payload.get("tty");
        JsonValue source = payload.get("source");
        JsonValue signal = payload.get("signal");
        if (tty instanceof JsonObject t) {
            try {
                process.resize(ProcessSpecReader.windowSize(t));
            } catch (io.greenhouse.backend.GardenException e) {
                LOG.fine(() -> "ignoring malformed tty payload: " + e.getMessage());
            }
        } else if (source instanceof JsonNumber) {
            JsonValue data = payload.get("data");
            if (data instanceof JsonString s) {
                process.writeStdin(s.getString().getBytes(StandardCharsets.UTF_8));
            } else {
                process.closeStdin();
            }
        } else if (signal instanceof JsonNumber n) {
            switch (n.intValue()) {
                case 0 -> process.signal(ProcessSignal.TERMINATE);
                case 1 -> process.signal(ProcessSignal.KILL);
                default -> LOG.warning(() -> "ignoring unknown signal " + n + " for process " + process.id());
            }
        }
    }

    @Override
    void closing() {
        if (activity != null) {
            try {
                activity.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "releasing grace-time hold", e);
            }
        }
    }
}
