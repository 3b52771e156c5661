package io.greenhouse.process;

import io.greenhouse.backend.ExecutableNotFoundException;
import io.greenhouse.backend.GardenException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a greenhouse-monitor for a process and reports how the start went. */
public final class MonitorLauncher {
    /** What greenhouse-monitor waits for the runtime without --runtime-timeout. */
    public static final java.time.Duration MONITOR_DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(120);
    private final Path monitorBinary;
    private final String runtimeBinary;
    private final Path runtimeRoot;
    private final int bufferBytes;
    private final MonitorCgroups cgroups;
    /** Longest wait for the runtime to start a process; the monitor's own default when null. */
    private final java.time.Duration runtimeTimeout;

    /** Monitors that stay in the server's cgroups. */
    public MonitorLauncher(Path monitorBinary, String runtimeBinary, Path runtimeRoot, int bufferBytes) {
        this(monitorBinary, runtimeBinary, runtimeRoot, bufferBytes, MonitorCgroups.none());
    }

    /** Monitors that move themselves into {@code cgroups} before they start anything. */
    public MonitorLauncher(Path monitorBinary, String runtimeBinary, Path runtimeRoot, int bufferBytes,
                           MonitorCgroups cgroups) {
        this(monitorBinary, runtimeBinary, runtimeRoot, bufferBytes, cgroups, null);
    }

    /**
     * As above, with the runtime's start of a process bounded by {@code runtimeTimeout} (whole
     * seconds, at least one); the monitor waits {@link #MONITOR_DEFAULT_TIMEOUT} when it is null or that.
     */
    public MonitorLauncher(Path monitorBinary, String runtimeBinary, Path runtimeRoot, int bufferBytes,
                           MonitorCgroups cgroups, java.time.Duration runtimeTimeout) {
        this.runtimeTimeout = runtimeTimeout;
        this.monitorBinary = monitorBinary;
        this.runtimeBinary = runtimeBinary;
        this.runtimeRoot = runtimeRoot;
        this.bufferBytes = bufferBytes;
        this.cgroups = cgroups;
    }

    /** Where the working directory must be created (inside the rootfs) and for whom. */
    public record WorkingDirectory(Path rootfs, String path, int uid, int gid) {
    }

    /** The host ids a process runs as, to whom its stdio pipes are given (it may reopen /dev/stdout). */
    public record Owner(int uid, int gid) {
    }

    /**
     * A pea: the monitor runs the bundle in the process directory as runtime container
     * {@code runtimeId} under {@code runtimeRoot}, and on exit deletes it and unmounts {@code rootfs}.
     */
    public record Pea(String runtimeId, Path runtimeRoot, Path rootfs) {
    }

    /** Runs the process; returns once it runs. The monitor detaches: it is never the JVM's child for long. */
    public void launch(String handle, Path processDir, Path socket, boolean tty, WorkingDirectory dir) {
        launch(handle, processDir, socket, tty, dir, null);
    }

    /** As {@link #launch(String, Path, Path, boolean, WorkingDirectory)}, for a pea when {@code pea} is given. */
    public void launch(String handle, Path processDir, Path socket, boolean tty, WorkingDirectory dir, Pea pea) {
        launch(handle, processDir, socket, tty, dir, pea, null);
    }

    /**
     * A process run under a keeper in the container (greenhouse-init keep), so that checkpoints
     * take it: the monitor makes its FIFOs in {@code directory} and follows the container's
     * checkpoint markers in {@code checkpointDirectory}.
     */
    public record Keeper(Path directory, Path checkpointDirectory, boolean adopt) {
        public Keeper(Path directory, Path checkpointDirectory) {
            this(directory, checkpointDirectory, false);
        }
    }

    /** As above; {@code owner} (the same ids as {@code dir}'s when both are given) owns the stdio pipes. */
    public void launch(String handle, Path processDir, Path socket, boolean tty, WorkingDirectory dir, Pea pea,
                       Owner owner) {
        launch(handle, processDir, socket, tty, dir, pea, owner, null);
    }

    /** As above, under a keeper when {@code keeper} is given. */
    public void launch(String handle, Path processDir, Path socket, boolean tty, WorkingDirectory dir, Pea pea,
                       Owner owner, Keeper keeper) {
        List<String> cmd = new ArrayList<>(List.of(monitorBinary.toString(),
                "--runtime", runtimeBinary,
                "--runtime-root", pea == null ? runtimeRoot.toString() : pea.runtimeRoot().toString(),
                "--handle", pea == null ? handle : pea.runtimeId(),
                "--dir", processDir.toString(), "--socket", socket.toString(), "--buffer", Integer.toString(bufferBytes)));
        if (pea != null) {
            cmd.addAll(List.of("--bundle", processDir.toString(), "--pea-rootfs", pea.rootfs().toString()));
        }
        if (tty) {
            cmd.add("--tty");
        }
        // Only when it is not the monitor's default, so monitors built before the option still start.
        if (runtimeTimeout != null && !runtimeTimeout.equals(MONITOR_DEFAULT_TIMEOUT)) {
            cmd.addAll(List.of("--runtime-timeout", Long.toString(Math.max(1, runtimeTimeout.toSeconds()))));
        }
        if (keeper != null) {
            cmd.addAll(List.of("--keeper-dir", keeper.directory().toString(),
                    "--checkpoint-dir", keeper.checkpointDirectory().toString()));
            if (keeper.adopt()) {
                cmd.add("--adopt");
            }
        }
        for (Path procs : cgroups.procsFiles()) {
            cmd.addAll(List.of("--cgroup-procs", procs.toString()));
        }
        if (dir != null) {
            cmd.addAll(List.of("--rootfs", dir.rootfs().toString(), "--ensure-dir", dir.path(),
                    "--uid", Integer.toUnsignedString(dir.uid()), "--gid", Integer.toUnsignedString(dir.gid())));
        } else if (owner != null) {
            // monitors built before they owned the pipes take the ids and ignore them without a directory
            cmd.addAll(List.of("--uid", Integer.toUnsignedString(owner.uid()), "--gid", Integer.toUnsignedString(owner.gid())));
        }
        String out;
        int code;
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            // The monitor gives up on the runtime after its timeout, so this read ends by then.
            long wait = (runtimeTimeout == null ? MONITOR_DEFAULT_TIMEOUT : runtimeTimeout).toSeconds() + 10;
            if (!p.waitFor(wait, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new GardenException("process monitor did not start in time");
            }
            code = p.exitValue();
        } catch (IOException e) {
            throw new GardenException("starting process monitor " + monitorBinary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GardenException("interrupted while starting a process");
        }
        if (code == 0 && out.startsWith("ok ")) {
            return;
        }
        String message = out.startsWith("error ") ? out.substring(6) : out;
        throw failure(message);
    }

    /** runc's words for a missing binary become Garden's ExecutableNotFoundError. */
    static GardenException failure(String message) {
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("executable file not found")
                || lower.contains("exec:") && lower.contains("no such file or directory")) {
            return new ExecutableNotFoundException(message);
        }
        return new GardenException(message);
    }
}
