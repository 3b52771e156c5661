package io.greenhouse.runc;

import io.greenhouse.backend.ContainerRuntime.RuntimeState;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Answers "is this container running, and with which init" from runC's own files, without
 * running runC: each {@code runc state} is a Go binary started and torn down (about 10-20 ms of CPU
 * each), which made a restart with 250 containers spend seconds on it and every create pay one.
 *
 * <p>runC's {@code state.json} under the root names the init's pid and its start time (field 22
 * of {@code /proc/PID/stat}); runC itself calls the container running when that process exists
 * with that start time, is no zombie, the {@code exec.fifo} is gone (else it is "created"), and
 * its freezer is thawed (else "paused"). This checks exactly that and says RUNNING only when every
 * part is positively seen; anything else (stopped, created, paused, a file it cannot read or parse,
 * a state.json of an unknown shape) is left to {@code runc state}, so no container is ever judged
 * gone on this shortcut.
 */
final class StateFiles {
    private final Path root;
    private final Path proc;

    StateFiles(Path root) {
        this(root, Path.of("/proc"));
    }

    StateFiles(Path root, Path proc) {
        this.root = root;
        this.proc = proc;
    }

    /** RUNNING with the init's pid when runC's files show it running, else empty (ask runC). */
    Optional<RuntimeState> running(String handle) {
        Path dir = root.resolve(handle);
        try {
            JsonObject state = Json.createReader(new StringReader(Files.readString(dir.resolve("state.json"))))
                    .readObject();
            int pid = state.getInt("init_process_pid", 0);
            JsonValue start = state.get("init_process_start");
            if (pid <= 0 || !(start instanceof jakarta.json.JsonNumber startTime)) {
                return Optional.empty();
            }
            if (!alive(pid, startTime.longValueExact()) || Files.exists(dir.resolve("exec.fifo"))
                    || !thawed(state.getJsonObject("cgroup_paths"))) {
                return Optional.empty();
            }
            return Optional.of(new RuntimeState(RuntimeState.Status.RUNNING, pid));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The process exists, was started at that tick (not a reused pid) and is no zombie. */
    private boolean alive(int pid, long startTime) throws IOException {
        String stat = Files.readString(proc.resolve(Integer.toString(pid)).resolve("stat"));
        // the command name may hold spaces and parentheses: fields count from the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        char st = fields[0].charAt(0);
        return st != 'Z' && st != 'X' && Long.parseLong(fields[19]) == startTime;
    }

    /** cgroup v1: the freezer hierarchy's {@code freezer.state}; v2 (key ""): {@code cgroup.freeze}. */
    private static boolean thawed(JsonObject cgroupPaths) throws IOException {
        if (cgroupPaths == null) {
            return false;
        }
        if (cgroupPaths.containsKey("freezer")) {
            return Files.readString(Path.of(cgroupPaths.getString("freezer")).resolve("freezer.state")).strip()
                    .equals("THAWED");
        }
        if (cgroupPaths.containsKey("")) {
            return Files.readString(Path.of(cgroupPaths.getString("")).resolve("cgroup.freeze")).strip().equals("0");
        }
        return false;
    }

    /** The containers runC knows under the root: its directories holding a state.json (as runc list). */
    Set<String> handles() throws IOException {
        Set<String> handles = new HashSet<>();
        if (!Files.isDirectory(root)) {
            return handles;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                if (Files.isRegularFile(d.resolve("state.json"))) {
                    handles.add(d.getFileName().toString());
                }
            }
        }
        return handles;
    }
}
