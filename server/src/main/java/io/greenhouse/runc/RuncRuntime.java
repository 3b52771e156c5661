package io.greenhouse.runc;

import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.GardenException;
import io.greenhouse.linux.HostCommand;
import io.greenhouse.oci.BundleInput;
import io.greenhouse.oci.BundleRules;
import io.greenhouse.oci.OciJson;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Drives an OCI runtime binary (runc by default; crun takes the same commands) with its state kept
 * under a root directory of this cell's own, so the cell never touches other users' containers.
 */
public final class RuncRuntime implements ContainerRuntime {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String binary;
    /** Longest wait for one call of the runtime: a hung runtime fails the call, never a thread forever. */
    private final Duration timeout;
    private final Path root;
    private final BundleRules bundle;
    private final OciJson json = new OciJson();
    private final StateFiles stateFiles;
    /** The host's init, copied into each privileged container's bundle; null: none can start. */
    private final Path initBinary;

    /** @param bundle the rules of a container's bundle (the cell's {@code CellBundles.container()}) */
    public RuncRuntime(String binary, Path root, BundleRules bundle) {
        this(binary, root, bundle, DEFAULT_TIMEOUT);
    }

    public RuncRuntime(String binary, Path root, BundleRules bundle, Duration timeout) {
        this(binary, root, bundle, timeout, null);
    }

    public RuncRuntime(String binary, Path root, BundleRules bundle, Duration timeout, Path initBinary) {
        this.initBinary = initBinary;
        this.timeout = timeout;
        this.binary = binary;
        this.root = root;
        this.bundle = bundle;
        this.stateFiles = new StateFiles(root);
    }

    public String binary() {
        return binary;
    }

    public Path root() {
        return root;
    }

    @Override
    public void start(ContainerPlan plan) {
        Path bundle = plan.bundleDirectory();
        io.greenhouse.oci.Spec spec = this.bundle.build(BundleInput.container(plan));
        json.writeConfig(bundle, spec);
        PrivateInit.place(spec, bundle, initBinary);
        if (spec.linux().uidMappings() != null) {
            CgroupSearch.openParents(CGROUP_ROOT, spec.linux().cgroupsPath());
            ContainerRootFiles.own(spec, bundle);
        }
        // Detached: runc exits once init runs. Init inherits runc's stdio, so that is /dev/null,
        // never a pipe of the JVM's (init must not depend on this server staying up) nor a host
        // file (criu cannot dump an open file outside the container's mounts: no checkpoint);
        // runc's own messages go to its --log file.
        Path log = bundle.resolve("runc-run.log");
        java.io.File devNull = new java.io.File("/dev/null");
        // umask 022, not the server's 027: runC makes the container's cgroups, which a container in a
        // user namespace (an unmapped "other" to them) must be able to reach for its cgroup mount.
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "umask 022 && exec \"$0\" \"$@\"", binary,
                "--root", root.toString(), "--log", log.toString(),
                "run", "--detach",
                "--bundle", bundle.toString(), "--pid-file", bundle.resolve("init.pid").toString(), plan.handle())
                .redirectInput(ProcessBuilder.Redirect.from(devNull))
                .redirectOutput(ProcessBuilder.Redirect.to(devNull))
                .redirectError(ProcessBuilder.Redirect.to(devNull));
        int exit;
        boolean timedOut = false;
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                timedOut = true;
                exit = -1;
            } else {
                exit = p.exitValue();
            }
        } catch (IOException e) {
            // a missing or unrunnable binary: a Garden error that says so (nothing was made to delete)
            throw new GardenException(binary + " run " + plan.handle() + " failed: cannot start " + binary + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = -1;
        }
        if (exit != 0) {
            String message = timedOut ? "did not finish within " + timeout : readQuietly(log);
            try {
                delete(plan.handle());
            } catch (RuntimeException e) {
                // the create's undo deletes it again; the run's own failure is what the client needs
            }
            throw new GardenException(binary + " run " + plan.handle() + " failed: " + message);
        }
    }

    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    @Override
    public RuntimeState state(String handle) {
        // runC's own files answer "running" without an exec; every other answer comes from runC
        Optional<RuntimeState> running = stateFiles.running(handle);
        if (running.isPresent()) {
            return running.get();
        }
        HostCommand.Result r;
        try {
            r = command("state", handle);
        } catch (RuntimeException e) {
            // a runtime that hangs or cannot be started says nothing about the container, unless
            // its root has no directory for it: then the runtime never made it (see definitelyAbsent)
            return Files.exists(root.resolve(handle)) ? RuntimeState.UNKNOWN : RuntimeState.ABSENT;
        }
        if (!r.ok()) {
            return definitelyAbsent(handle, r) ? RuntimeState.ABSENT : RuntimeState.UNKNOWN;
        }
        return parseState(r.stdout());
    }

    /**
     * runC keeps one directory per container under its root: without it, or with runC saying so,
     * the container does not exist. Any other failure leaves the question open.
     */
    private boolean definitelyAbsent(String handle, HostCommand.Result failed) {
        return !Files.exists(root.resolve(handle)) || failed.message().contains("does not exist");
    }

    static RuntimeState parseState(String json) {
        JsonObject state;
        try {
            state = Json.createReader(new StringReader(json)).readObject();
        } catch (RuntimeException e) {
            return RuntimeState.UNKNOWN;
        }
        RuntimeState.Status status;
        try {
            status = RuntimeState.Status.valueOf(state.getString("status", "stopped").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            status = RuntimeState.Status.UNKNOWN;
        }
        return new RuntimeState(status, state.getInt("pid", 0));
    }

    @Override
    public void delete(String handle) {
        HostCommand.Result r;
        try {
            r = command("delete", "--force", handle);
        } catch (RuntimeException e) {
            if (!Files.exists(root.resolve(handle))) {
                // never made (a run that failed or hung before runc wrote its state): nothing to delete
                return;
            }
            throw new GardenException(binary + " delete " + handle + " failed: " + e.getMessage());
        }
        if (!r.ok() && state(handle).status() != RuntimeState.Status.ABSENT) {
            // still there, or its state cannot be told: either way the delete did not finish
            throw new GardenException("runc delete " + handle + " failed: " + r.message());
        }
    }

    @Override
    public Set<String> handles() {
        try {
            return stateFiles.handles();
        } catch (IOException | RuntimeException e) {
            // fall back to asking runC
        }
        HostCommand.Result r = command("list", "--format", "json");
        Set<String> handles = new HashSet<>();
        if (!r.ok() || r.stdout().isBlank()) {
            return handles;
        }
        JsonValue v = Json.createReader(new StringReader(r.stdout())).readValue();
        if (v instanceof JsonArray a) {
            for (JsonValue c : a) {
                handles.add(c.asJsonObject().getString("id"));
            }
        }
        return handles;
    }

    private HostCommand.Result command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary, "--root", root.toString()));
        cmd.addAll(List.of(args));
        return HostCommand.run(cmd, timeout);
    }
}
