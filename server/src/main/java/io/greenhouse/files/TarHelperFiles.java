package io.greenhouse.files;

import io.greenhouse.backend.ContainerFiles;
import io.greenhouse.backend.GardenException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * StreamIn and StreamOut through the greenhouse-tar helper (src/main/c/greenhouse-tar.c).
 *
 * <p>Design: no path of the container is ever opened by this JVM. The helper joins the mount
 * namespace of the container's init, so every path it and tar touch resolves against the
 * container's root, as the container's user, with a container's capabilities; tar itself is the
 * host's static busybox, opened before the helper enters, so a container cannot substitute its
 * own. Incoming streams pass through {@link TarSanitizer} first, which refuses hostile entries
 * before any of their bytes reach the helper and rewrites the rest as a canonical tar. Both
 * directions stream through pipes with fixed buffers: memory does not grow with the stream.
 * (The alternative, openat2 with RESOLVE_IN_ROOT from Java for every entry, would put a tar
 * extractor in this JVM; the helper keeps that code small, in one place, and out of the server.)
 */
public final class TarHelperFiles implements ContainerFiles {
    private static final Logger LOG = Logger.getLogger(TarHelperFiles.class.getName());
    private static final int PIPE_BUFFER = 64 * 1024;
    private static final int MAX_MESSAGE = 16 * 1024;

    private final Path helper;
    private final Path busybox;
    private final TarLimits limits;
    private final Duration finishTimeout;
    private final Executor drains;

    /**
     * @param finishTimeout how long tar may take to finish once the whole stream has been handed
     *                      to it, before it is killed
     * @param drains        where the helper's message pipe is read while the tar streams
     */
    public TarHelperFiles(Path helper, Path busybox, TarLimits limits, Duration finishTimeout, Executor drains) {
        this.helper = helper;
        this.busybox = busybox;
        this.limits = limits;
        this.finishTimeout = finishTimeout;
        this.drains = drains;
    }

    @Override
    public void streamIn(Target target, String destination, String user, InputStream tar) {
        Process process = start("in", target, user, destination);
        ProcessOutput output = collect(process, process.getInputStream());
        try (OutputStream toTar = new BufferedOutputStream(process.getOutputStream(), PIPE_BUFFER)) {
            new TarSanitizer(limits, target.privileged()).copy(tar, toTar);
        } catch (HostileTarException e) {
            kill(process);
            throw e;
        } catch (IOException e) {
            // tar stopped reading: it failed, and said why.
            awaitExit(process, Duration.ofSeconds(10));
            throw failure("in", output.text(), e.getMessage());
        } catch (RuntimeException e) {
            kill(process);
            throw e;
        }
        int exit = awaitExit(process, finishTimeout);
        if (exit != 0) {
            throw failure("in", output.text(), "tar exited with status " + exit);
        }
    }

    @Override
    public InputStream streamOut(Target target, String source, String user) {
        Process process = start("out", target, user, source);
        ProcessOutput errors = collect(process, process.getErrorStream());
        PushbackInputStream tar = new PushbackInputStream(process.getInputStream(), 1);
        try {
            // Everything that can fail before tar writes (user, path, permission) fails before its
            // first byte: wait for that byte, so such failures become an error response.
            int first = tar.read();
            if (first < 0) {
                int exit = awaitExit(process, finishTimeout);
                throw failure("out", errors.text(), "tar exited with status " + exit + " and wrote nothing");
            }
            tar.unread(first);
        } catch (IOException e) {
            kill(process);
            throw new GardenException("error streaming out: " + e.getMessage(), e);
        }
        return new FilterInputStream(tar) {
            private boolean closed;

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    super.close();
                } finally {
                    if (process.isAlive()) {
                        kill(process); // the client went away before the end
                    } else if (process.exitValue() != 0) {
                        LOG.warning(() -> "stream-out of " + source + " from " + target.handle()
                                + " ended with status " + process.exitValue() + ": " + errors.text());
                    }
                }
            }
        };
    }

    private Process start(String direction, Target target, String user, String path) {
        List<String> command = new ArrayList<>(List.of(helper.toString(), direction, busybox.toString(),
                Integer.toString(target.initPid()), user, path));
        if (target.privileged()) {
            command.add("privileged");
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        if (direction.equals("in")) {
            pb.redirectErrorStream(true); // tar -x writes only messages
        } else {
            pb.redirectInput(new File("/dev/null"));
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + helper, e);
        }
    }

    private static GardenException failure(String direction, String output, String fallback) {
        String text = output.isBlank() ? fallback : output.strip();
        return new GardenException(text.startsWith("error streaming") ? text : "error streaming " + direction + ": " + text);
    }

    private static int awaitExit(Process process, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new GardenException("tar did not finish within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
            throw new GardenException("interrupted while waiting for tar", e);
        }
    }

    private static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ProcessOutput collect(Process process, InputStream in) {
        ProcessOutput output = new ProcessOutput(in);
        try {
            drains.execute(output::drain);
        } catch (RejectedExecutionException e) {
            kill(process);
            throw new GardenException("the cell is shutting down");
        }
        return output;
    }

    /** Drains a pipe of the helper on a thread of the drain executor, keeping the first bytes as its message. */
    private static final class ProcessOutput {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final InputStream in;
        private final CountDownLatch drained = new CountDownLatch(1);

        private ProcessOutput(InputStream in) {
            this.in = in;
        }

        void drain() {
            byte[] buffer = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    synchronized (kept) {
                        kept.write(buffer, 0, Math.max(0, Math.min(n, MAX_MESSAGE - kept.size())));
                    }
                }
            } catch (IOException e) {
                // the helper is gone; what it said so far is kept
            } finally {
                drained.countDown();
            }
        }

        /** What the helper wrote, once it has closed the pipe (waits a little for that). */
        String text() {
            try {
                drained.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
