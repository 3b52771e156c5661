package io.greenhouse.api.stream;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.WindowSize;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProcessSpecReaderTest {
    @Test
    void readsTheGoClientsProcessSpec() {
        ProcessSpec s = ProcessSpecReader.read("""
                {"id":"p1","path":"sh","args":["-c","ls"],"env":["A=1"],"dir":"/tmp","user":"alice",
                 "rlimits":{"nofile":18446744073709551615,"nproc":10},
                 "tty":{"window_size":{"columns":120,"rows":40}},"image":{}}
                """);
        assertEquals("p1", s.id());
        assertEquals("sh", s.path());
        assertEquals(List.of("-c", "ls"), s.args());
        assertEquals(List.of("A=1"), s.env());
        assertEquals("/tmp", s.dir());
        assertEquals("alice", s.user());
        assertEquals(-1L, s.rlimits().get("nofile"));
        assertEquals(10L, s.rlimits().get("nproc"));
        assertEquals(new WindowSize(120, 40), s.tty());
        assertEquals(true, s.image().isDefault());
    }

    /** The JSON names of garden.ResourceLimits (process.go), which the Go client omits when nil. */
    @Test
    void readsEveryRlimitOfTheGoClient() {
        ProcessSpec s = ProcessSpecReader.read("""
                {"path":"true","rlimits":{"as":1,"core":2,"cpu":3,"data":4,"fsize":5,"locks":6,"memlock":7,
                 "msgqueue":8,"nice":9,"nofile":10,"nproc":11,"rss":12,"rtprio":13,"sigpending":14,"stack":15}}
                """);
        assertEquals(Map.ofEntries(Map.entry("as", 1L), Map.entry("core", 2L), Map.entry("cpu", 3L),
                Map.entry("data", 4L), Map.entry("fsize", 5L), Map.entry("locks", 6L), Map.entry("memlock", 7L),
                Map.entry("msgqueue", 8L), Map.entry("nice", 9L), Map.entry("nofile", 10L), Map.entry("nproc", 11L),
                Map.entry("rss", 12L), Map.entry("rtprio", 13L), Map.entry("sigpending", 14L),
                Map.entry("stack", 15L)), s.rlimits());
        assertEquals(Map.of(), ProcessSpecReader.read("{\"path\":\"true\",\"rlimits\":{}}").rlimits());
        assertEquals(Map.of(), ProcessSpecReader.read("{\"path\":\"true\"}").rlimits());
    }

    @Test
    void aMinimalSpecHasNoTty() {
        ProcessSpec s = ProcessSpecReader.read("{\"path\":\"true\"}");
        assertNull(s.tty());
        assertEquals("", s.id());
        assertEquals(WindowSize.DEFAULT, ProcessSpecReader.read("{\"path\":\"true\",\"tty\":{}}").tty());
    }

    @Test
    void malformedSpecsAreGardenErrors() {
        assertThrows(GardenException.class, () -> ProcessSpecReader.read("not json"));
        assertThrows(GardenException.class, () -> ProcessSpecReader.read("[1]"));
        assertThrows(GardenException.class, () -> ProcessSpecReader.read("{\"args\":\"ls\"}"));
        assertThrows(GardenException.class, () -> ProcessSpecReader.read("{\"rlimits\":{\"nofile\":-1}}"));
        assertThrows(GardenException.class, () -> ProcessSpecReader.read(""));
    }

    @Test
    void limitsOfAPeaAreReadAndAbsentLimitsMeanSharingTheContainers() {
        assertNull(ProcessSpecReader.read("{\"path\":\"true\"}").limitsOverride());
        ProcessSpec empty = ProcessSpecReader.read("{\"path\":\"true\",\"limits\":{\"cpu_limits\":{},\"memory_limits\":{}}}");
        assertEquals(io.greenhouse.backend.ResourceLimits.NONE, empty.limitsOverride());
        assertEquals(true, empty.isPea());
        ProcessSpec own = ProcessSpecReader.read("""
                {"path":"true","limits":{"memory_limits":{"limit_in_bytes":33554432},"cpu_limits":{"weight":512}}}
                """);
        assertEquals(33554432L, own.limitsOverride().memoryBytes());
        assertEquals(512L, own.limitsOverride().effectiveCpuShares());
        assertThrows(GardenException.class, () -> ProcessSpecReader.read(
                "{\"path\":\"true\",\"limits\":{\"memory_limits\":{\"limit_in_bytes\":-1}}}"));
    }
}
