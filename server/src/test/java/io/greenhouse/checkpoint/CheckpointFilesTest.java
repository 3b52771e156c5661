package io.greenhouse.checkpoint;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    @Test
    void theExcerptIsCriusLastErrorLinesWithoutItsHarmlessOne() {
        List<String> log = List.of("(00.1) starting",
                "(00.2) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
                "(00.3) Error (criu/files-reg.c:1790): Can't lookup mount=26 for fd=1 path=/x/runc-run.log",
                "(00.4) Error (criu/cr-dump.c:1681): Dump files (pid: 29760) failed with -1",
                "(00.5) Error (criu/cr-dump.c:2111): Dumping FAILED.");
        String e = CriuLog.excerpt(log);
        assertFalse(e.contains("RLIMIT_NOFILE"), e);
        assertTrue(e.startsWith("(00.3) Error (criu/files-reg.c:1790): Can't lookup mount=26"), e);
        assertTrue(e.endsWith("Dumping FAILED."), e);
    }

    @Test
    void theExcerptKeepsTheLastLinesOfAManyErrorsLog() {
        List<String> log = java.util.stream.IntStream.range(0, 20).mapToObj(i -> "Error (x.c:" + i + "): e" + i).toList();
        String e = CriuLog.excerpt(log);
        assertEquals(CriuLog.MAX_LINES, e.split("; ").length);
        assertTrue(e.endsWith("e19"), e);
    }

    @Test
    void withoutErrorLinesTheExcerptIsTheLogsEnd() {
        assertEquals("b; c; d", CriuLog.excerpt(List.of("a", "b", "c", "d")));
        assertEquals("(no criu log at " + dir.resolve("none") + ")", CriuLog.excerpt(dir.resolve("none")));
    }

    @Test
    void theNetworkNamespaceGetsItsPathInRuncsStateAndTheBundle() throws IOException {
        Path state = dir.resolve("state.json");
        Files.writeString(state, "{\"id\":\"c\",\"init_process_pid\":7,\"config\":{\"rootfs\":\"/r\",\"namespaces\":["
                + "{\"type\":\"NEWPID\",\"path\":\"\"},{\"type\":\"NEWNET\",\"path\":\"\"}]}}");
        NetworkNamespacePath.inState(state, Path.of("/d/c/checkpoint/netns"));
        JsonObject s = read(state);
        assertEquals(7, s.getInt("init_process_pid"));
        assertEquals("/r", s.getJsonObject("config").getString("rootfs"));
        JsonArray ns = s.getJsonObject("config").getJsonArray("namespaces");
        assertEquals("", ns.getJsonObject(0).getString("path"));
        assertEquals("/d/c/checkpoint/netns", ns.getJsonObject(1).getString("path"));

        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"}]}}");
        NetworkNamespacePath.inConfig(config, Path.of("/d/c/checkpoint/netns"));
        JsonObject c = read(config);
        assertEquals("1.0.2", c.getString("ociVersion"));
        assertFalse(c.getJsonObject("linux").getJsonArray("namespaces").getJsonObject(0).containsKey("path"));
        assertEquals("/d/c/checkpoint/netns",
                c.getJsonObject("linux").getJsonArray("namespaces").getJsonObject(1).getString("path"));
        assertFalse(Files.exists(dir.resolve("config.json.greenhouse-tmp")));
    }

    @Test
    void aContainerSharingTheHostsNetworkCannotBeGivenAPath() {
        JsonArray namespaces = Json.createArrayBuilder().add(Json.createObjectBuilder().add("type", "pid")).build();
        assertThrows(IllegalStateException.class,
                () -> NetworkNamespacePath.withPath(namespaces, "network", Path.of("/n")));
    }

    @Test
    void theProcessTreeIsInitAndItsDescendantsFromProc() throws IOException {
        task(1, "0", "2 3");
        task(2, "0", "");
        task(3, "0", "4");
        task(3, "9", "5");
        task(4, "0", "");
        task(5, "0", "");
        List<Integer> tree = new ProcessTree(dir).of(1);
        assertEquals(1, tree.get(0), "init first");
        assertEquals(java.util.Set.of(1, 2, 3, 4, 5), new java.util.HashSet<>(tree), "children of every thread");
        assertEquals(5, tree.size());
    }

    private void task(int pid, String tid, String children) throws IOException {
        Path t = dir.resolve(pid + "/task/" + (tid.equals("0") ? Integer.toString(pid) : tid));
        Files.createDirectories(t);
        Files.writeString(t.resolve("children"), children.isEmpty() ? "" : children + " ");
    }

    private static JsonObject read(Path p) throws IOException {
        return Json.createReader(new StringReader(Files.readString(p))).readObject();
    }
}
