package io.greenhouse.process;

import io.greenhouse.backend.ContainerProcess;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.OutputSink;
import io.greenhouse.backend.ProcessSignal;
import io.greenhouse.backend.WindowSize;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A process owned by a greenhouse-monitor, seen through the monitor's socket: output is fanned out
 * to attached clients, stdin and signals go to the monitor, the exit status comes from it (or from
 * the depot when the process ended while nobody was connected).
 */
final class MonitoredProcess implements ContainerProcess {
    private static final Logger LOG = Logger.getLogger(MonitoredProcess.class.getName());

    private final String handle;
    private final String id;
    private final Path directory;
    private final OutputFanout stdout;
    private final OutputFanout stderr;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Clock clock;
    /** Called once a client received the exit: drops the process (ProcessManager's prune). */
    private final Consumer<MonitoredProcess> delivered;
    private final Executor pump;
    private volatile MonitorLink link;
    private volatile boolean detached;
    /** When the process ended (its status known, or it was found lost); null while it runs. */
    private volatile Instant endedAt;
    /** Guarded by this: the files were removed (by whichever of delivery, expiry, run or destroy came first). */
    private boolean pruned;

    MonitoredProcess(String handle, String id, Path directory, int bufferBytes, Clock clock,
                     Consumer<MonitoredProcess> delivered, Executor pump) {
        this.handle = handle;
        this.pump = pump;
        this.id = id;
        this.directory = directory;
        this.stdout = new OutputFanout(bufferBytes);
        this.stderr = new OutputFanout(bufferBytes);
        this.clock = clock;
        this.delivered = delivered;
    }

    /**
     * Serves a live process through its monitor; reading happens on a thread of the pump executor
     * for as long as the process lives. Refused only while the cell shuts down: the monitor keeps
     * the process and its output for the next server.
     */
    void connect(MonitorLink connected) {
        this.link = connected;
        try {
            pump.execute(this::pump);
        } catch (RejectedExecutionException e) {
            detach();
            throw new GardenException("the cell is shutting down");
        }
    }

    /**
     * A process that exited while no server was connected: its saved output tails, then its
     * status; it ended when its monitor wrote the status, which retention counts from.
     */
    void exited(byte[] stdoutTail, byte[] stderrTail, int status, Instant at) {
        endedAt = at;
        exited(stdoutTail, stderrTail, status);
    }

    private void exited(byte[] stdoutTail, byte[] stderrTail, int status) {
        try {
            if (stdoutTail.length > 0) {
                stdout.publish(stdoutTail);
            }
            if (stderrTail.length > 0) {
                stderr.publish(stderrTail);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finish(status);
    }

    /** The monitor is gone without a status (the host rebooted, or it was killed). */
    void lost(String why) {
        ended();
        stdout.end();
        stderr.end();
        exit.completeExceptionally(new GardenException("process " + id + " was lost: " + why));
    }

    private void pump() {
        MonitorLink l = link;
        try {
            for (MonitorLink.Frame f = l.read(); f != null; f = l.read()) {
                byte type = f.type();
                switch (type) {
                    case MonitorLink.STDOUT -> stdout.publish(f.payload(), f.length());
                    case MonitorLink.STDERR -> stderr.publish(f.payload(), f.length());
                    case MonitorLink.EXIT -> {
                        finish(java.nio.ByteBuffer.wrap(f.payload()).getInt());
                        return;
                    }
                    default -> LOG.warning(() -> "unknown frame from monitor of " + id + ": " + type);
                }
            }
            connectionEnded(null);
        } catch (ClosedByInterruptException e) {
            // The cell is stopping its threads (Liberty interrupts managed threads as the
            // application stops, maybe before CellLifecycle detaches): the process lives on under
            // its monitor for the next server, so this is a detach, not a lost process.
            detach();
            Thread.currentThread().interrupt();
        } catch (ClosedChannelException e) {
            connectionEnded(null);
        } catch (IOException e) {
            connectionEnded(e);
        } catch (InterruptedException e) {
            detach();
            Thread.currentThread().interrupt();
        } finally {
            l.close();
        }
    }

    /** Without an exit frame: the status is in the depot if the monitor finished, else it is lost. */
    private void connectionEnded(IOException cause) {
        if (detached || exit.isDone()) {
            return;
        }
        Integer status = ProcessDirectory.exitStatus(directory);
        if (status != null) {
            exited(ProcessDirectory.tail(directory, "stdout.tail"), ProcessDirectory.tail(directory, "stderr.tail"), status);
            return;
        }
        LOG.log(Level.WARNING, "lost the monitor of process " + id + " in " + handle + "; killing the process", cause);
        killOrphan();
        lost("its monitor went away (killed?); the process was killed, its exit status is unknown");
    }

    /**
     * Without its monitor nobody holds the process's stdio or can learn its exit status, so it
     * would run on unseen: it is killed, if the pid the runtime wrote is still a process in this
     * container's cgroup (a pid reused since is someone else's).
     */
    private void killOrphan() {
        long pid = ProcessDirectory.pid(directory);
        if (pid <= 1) {
            return;
        }
        try {
            String cgroups = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
            if (cgroups.lines().anyMatch(l -> l.endsWith("/" + handle) || l.contains("/" + handle + "/"))) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException | RuntimeException e) {
            // gone already
        }
    }

    private void finish(int status) {
        ended();
        stdout.end();
        stderr.end();
        exit.complete(status);
    }

    private void ended() {
        if (endedAt == null) {
            endedAt = clock.instant();
        }
    }

    boolean running() {
        return !exit.isDone();
    }

    /** Ended, and nobody received the exit within the retention: it may go unclaimed. */
    boolean expired(Instant now, Duration retention) {
        Instant ended = endedAt;
        return ended != null && exit.isDone() && !now.isBefore(ended.plus(retention));
    }

    @Override
    public void exitDelivered() {
        if (exit.isDone()) {
            delivered.accept(this);
        }
    }

    /** Runs the removal of the process's files once, however many parties ask; later callers wait for it. */
    synchronized void prune(Runnable removeFiles) {
        if (!pruned) {
            pruned = true;
            removeFiles.run();
        }
    }

    String handle() {
        return handle;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletionStage<Integer> exitStatus() {
        return exit;
    }

    @Override
    public void signal(ProcessSignal signal) {
        send(l -> l.sendInt(MonitorLink.SIGNAL, signal.number()));
    }

    @Override
    public void resize(WindowSize size) {
        WindowSize s = size.orDefault();
        send(l -> l.sendWindowSize(s.rows(), s.columns()));
    }

    @Override
    public void writeStdin(byte[] data) {
        send(l -> {
            for (int off = 0; off < data.length; off += MonitorLink.MAX_FRAME) {
                l.send(MonitorLink.STDIN, data, off, Math.min(MonitorLink.MAX_FRAME, data.length - off));
            }
        });
    }

    @Override
    public void closeStdin() {
        send(l -> l.send(MonitorLink.CLOSE_STDIN, new byte[0], 0, 0));
    }

    private interface Send {
        void to(MonitorLink l) throws IOException;
    }

    /** Control messages to a process that has exited (or whose monitor is gone) are dropped, as in Guardian. */
    private void send(Send action) {
        MonitorLink l = link;
        if (l == null || exit.isDone()) {
            return;
        }
        try {
            action.to(l);
        } catch (IOException e) {
            LOG.log(Level.FINE, "monitor of " + id + " did not take a message", e);
        }
    }

    @Override
    public void attachStdout(OutputSink sink) {
        stdout.attach(sink);
    }

    @Override
    public void attachStderr(OutputSink sink) {
        stderr.attach(sink);
    }

    @Override
    public void detach(OutputSink sink) {
        stdout.detach(sink);
        stderr.detach(sink);
    }

    @Override
    public void holdOutput(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        stdout.holdUntil(deadline);
        stderr.holdUntil(deadline);
    }

    /** Lets go of the monitor, which keeps the process and buffers its output for the next server. */
    void detach() {
        detached = true;
        MonitorLink l = link;
        if (l != null) {
            l.close();
        }
        stdout.end();
        stderr.end();
    }

    /** The container is going away: output nobody reads is dropped so the monitor can finish. */
    void abandon() {
        stdout.discard();
        stderr.discard();
    }

    /** Waits (bounded) for the monitor to report the exit, then lets go of it. */
    void awaitExit(Duration atMost) {
        try {
            exit.get(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // gone or still going: either way nothing more is waited for
        }
        detach();
    }

    Path directory() {
        return directory;
    }
}
