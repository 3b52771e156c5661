package io.greenhouse.runc;

import io.greenhouse.backend.ContainerRuntime.RuntimeState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** runC's files read directly: only a positively running init is answered, all else goes to runC. */
class StateFilesTest {
    @TempDir
    Path tmp;
    private Path root;
    private Path proc;
    private Path freezer;
    private StateFiles files;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("runc"));
        proc = Files.createDirectories(tmp.resolve("proc"));
        freezer = Files.createDirectories(tmp.resolve("cgroup/freezer/gh/c1"));
        Files.writeString(freezer.resolve("freezer.state"), "THAWED\n");
        files = new StateFiles(root, proc);
    }

    private void state(String handle, int pid, long start, String cgroupPaths) throws IOException {
        Path dir = Files.createDirectories(root.resolve(handle));
        Files.writeString(dir.resolve("state.json"), "{\"id\":\"" + handle + "\",\"init_process_pid\":" + pid
                + ",\"init_process_start\":" + start + ",\"created\":\"2026-01-01T00:00:00Z\",\"cgroup_paths\":"
                + cgroupPaths + ",\"config\":{}}");
    }

    private void v1State(String handle, int pid, long start) throws IOException {
        state(handle, pid, start, "{\"freezer\":\"" + freezer + "\",\"memory\":\"/nowhere\"}");
    }

    private void process(int pid, char state, long start) throws IOException {
        // a command name with a space and a ')' as the kernel allows: fields count from the last ')'
        String rest = state + " 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 " + start + " 1000 100";
        Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(proc.resolve(pid + "/stat"), pid + " (garden )init) " + rest + "\n");
    }

    @Test
    void aLiveThawedInitIsRunningWithItsPid() throws IOException {
        v1State("c1", 4242, 98765);
        process(4242, 'S', 98765);
        assertEquals(Optional.of(new RuntimeState(RuntimeState.Status.RUNNING, 4242)), files.running("c1"));
    }

    @Test
    void cgroupV2FreezeIsRead() throws IOException {
        Path unified = Files.createDirectories(tmp.resolve("cgroup/unified/gh/c2"));
        Files.writeString(unified.resolve("cgroup.freeze"), "0\n");
        state("c2", 4243, 5, "{\"\":\"" + unified + "\"}");
        process(4243, 'R', 5);
        assertEquals(4243, files.running("c2").orElseThrow().pid());
        Files.writeString(unified.resolve("cgroup.freeze"), "1\n");
        assertEquals(Optional.empty(), files.running("c2"));
    }

    @Test
    void aReusedPidAZombieAFrozenOrCreatedContainerIsLeftToRunc() throws IOException {
        v1State("c1", 4242, 98765);
        process(4242, 'S', 11111);
        assertEquals(Optional.empty(), files.running("c1"), "start time differs: another process");
        process(4242, 'Z', 98765);
        assertEquals(Optional.empty(), files.running("c1"), "zombie");
        process(4242, 'S', 98765);
        Files.writeString(freezer.resolve("freezer.state"), "FROZEN\n");
        assertEquals(Optional.empty(), files.running("c1"), "paused");
        Files.writeString(freezer.resolve("freezer.state"), "THAWED\n");
        Files.createFile(root.resolve("c1/exec.fifo"));
        assertEquals(Optional.empty(), files.running("c1"), "created, not started");
    }

    @Test
    void missingOrUnreadableFilesAreLeftToRunc() throws IOException {
        assertEquals(Optional.empty(), files.running("nothing"));
        v1State("c1", 4242, 98765);
        assertEquals(Optional.empty(), files.running("c1"), "no such process");
        process(4242, 'S', 98765);
        Files.writeString(root.resolve("c1/state.json"), "{\"init_process_pid\":");
        assertEquals(Optional.empty(), files.running("c1"), "cut-off JSON");
        state("c1", 4242, 98765, "{}");
        assertEquals(Optional.empty(), files.running("c1"), "no freezer path known");
    }

    @Test
    void handlesAreTheDirectoriesWithAStateFile() throws IOException {
        v1State("a", 1, 1);
        v1State("b", 2, 2);
        Files.createDirectories(root.resolve("half-made"));
        assertEquals(Set.of("a", "b"), files.handles());
        assertEquals(Set.of(), new StateFiles(tmp.resolve("absent")).handles());
    }
}
