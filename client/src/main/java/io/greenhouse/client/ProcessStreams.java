package io.greenhouse.client;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Where a process's output goes; null for a stream the client does not ask for (as in the Go client). */
public record ProcessStreams(OutputStream stdout, OutputStream stderr) {

    public static ProcessStreams collecting() {
        return new ProcessStreams(new ByteArrayOutputStream(), new ByteArrayOutputStream());
    }

    public static ProcessStreams none() {
        return new ProcessStreams(null, null);
    }

    public String stdoutText() {
        return text(stdout);
    }

    public String stderrText() {
        return text(stderr);
    }

    private static String text(OutputStream s) {
        if (s instanceof ByteArrayOutputStream b) {
            synchronized (b) {
                return b.toString(StandardCharsets.UTF_8);
            }
        }
        return "";
    }
}
