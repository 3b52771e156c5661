package io.greenhouse.process;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.WindowSize;
import io.greenhouse.oci.CapabilitiesRule;
import io.greenhouse.oci.EnvRule;
import io.greenhouse.oci.OciJson;
import io.greenhouse.oci.Process;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciProcessTest {
    private static final ExecUser ROOT = new ExecUser("root", 0, 0, List.of(), "/root");
    private static final ExecUser ALICE = new ExecUser("alice", 1000, 1000, List.of(50), "/home/alice");
    private static final Set<String> ALL_CAPS = allCaps();
    private final OciProcess processes = new OciProcess(new CapabilitiesRule(ALL_CAPS));
    private final ProcessTarget target = new ProcessTarget("h", Path.of("/depot/h"), Path.of("/depot/h/rootfs"),
            List.of("A=container", "B=container"), true);

    private static Set<String> allCaps() {
        Set<String> all = new HashSet<>(CapabilitiesRule.PRIVILEGED);
        all.addAll(CapabilitiesRule.UNPRIVILEGED);
        return all;
    }

    private static ProcessSpec spec(List<String> env, Map<String, Long> rlimits, WindowSize tty) {
        return new ProcessSpec("", "/bin/echo", List.of("hi"), env, "", "", rlimits, tty, ImageRef.DEFAULT, List.of());
    }

    private static JsonObject json(Process p) {
        return Json.createReader(new StringReader(new OciJson().toJson(p))).readObject();
    }

    private static JsonObject golden(String name) {
        try (InputStream in = OciProcessTest.class.getResourceAsStream("/io/greenhouse/oci/golden/" + name)) {
            return Json.createReader(in).readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void processEnvWinsOverContainerEnvAndDefaultsFillTheRest() {
        assertEquals(List.of("A=container", "B=process", EnvRule.ROOT_PATH, "USER=root", "HOME=/root"),
                OciProcess.env(target.env(), List.of("B=process"), ROOT));
        assertEquals(List.of("PATH=/mine", "USER=bob", "HOME=/h"),
                OciProcess.env(List.of(), List.of("PATH=/mine", "USER=bob", "HOME=/h"), ALICE));
        assertTrue(OciProcess.env(List.of(), List.of(), ALICE).contains(EnvRule.USER_PATH));
    }

    @Test
    void argsUserCwdAndTerminalAreSet() {
        JsonObject p = json(processes.build(target, spec(List.of(), Map.of(), new WindowSize(0, 0)), ALICE, "/work"));
        assertEquals(List.of("/bin/echo", "hi"), p.getJsonArray("args").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(1000, p.getJsonObject("user").getInt("uid"));
        assertEquals(50, p.getJsonObject("user").getJsonArray("additionalGids").getInt(0));
        assertEquals("/work", p.getString("cwd"));
        assertTrue(p.getBoolean("terminal"));
        assertEquals(24, p.getJsonObject("consoleSize").getInt("height"));
        assertEquals(80, p.getJsonObject("consoleSize").getInt("width"));
    }

    @Test
    void aNonRootUserGetsNoMoreThanTheNonRootCapabilitiesInEverySet() {
        Process.CapabilitySets caps = processes.build(target, spec(List.of(), Map.of(), null), ALICE, "/").capabilities();
        for (List<String> set : List.of(caps.bounding(), caps.inheritable(), caps.permitted())) {
            assertFalse(set.isEmpty());
            assertTrue(CapabilitiesRule.NON_ROOT_MAX.containsAll(set), set.toString());
        }
        assertNull(caps.effective(), "an exec'd process gets no effective set, as from Guardian");
        assertNull(caps.ambient());
        Process.CapabilitySets rootCaps = processes.build(target, spec(List.of(), Map.of(), null), ROOT, "/").capabilities();
        assertTrue(rootCaps.permitted().contains("CAP_SYS_TIME"));
    }

    @Test
    void aCapabilityTheServerLacksIsGivenToNoProcess() {
        Set<String> lacking = new HashSet<>(ALL_CAPS);
        lacking.remove("CAP_SYS_TIME");
        Process p = new OciProcess(new CapabilitiesRule(lacking)).build(target, spec(List.of(), Map.of(), null), ROOT, "/");
        assertFalse(p.capabilities().bounding().contains("CAP_SYS_TIME"));
        assertTrue(p.capabilities().bounding().contains("CAP_SYS_ADMIN"));
    }

    @Test
    void rlimitsAreSoftAndHardAndUnsigned() {
        JsonObject p = json(processes.build(target, spec(List.of(), Map.of("nofile", -1L), null), ROOT, "/"));
        JsonObject limit = p.getJsonArray("rlimits").getJsonObject(0);
        assertEquals("RLIMIT_NOFILE", limit.getString("type"));
        assertEquals("18446744073709551615", limit.getJsonNumber("hard").toString());
        assertEquals("18446744073709551615", limit.getJsonNumber("soft").toString());
        assertThrows(GardenException.class,
                () -> processes.build(target, spec(List.of(), Map.of("bogus", 1L), null), ROOT, "/"));
    }

    @Test
    void everyGardenRlimitBecomesTheKernelsSortedByName() {
        Map<String, Long> garden = new java.util.HashMap<>();
        List<String> names = List.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
                "nofile", "nproc", "rss", "rtprio", "sigpending", "stack");
        for (int i = 0; i < names.size(); i++) {
            garden.put(names.get(i), 100L + i);
        }
        List<Process.Rlimit> oci = OciProcess.rlimits(garden);
        assertEquals(List.of("RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS",
                "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS",
                "RLIMIT_RTPRIO", "RLIMIT_SIGPENDING", "RLIMIT_STACK"), oci.stream().map(Process.Rlimit::type).toList());
        for (int i = 0; i < names.size(); i++) {
            java.math.BigInteger value = java.math.BigInteger.valueOf(100L + i);
            assertEquals(new Process.Rlimit(oci.get(i).type(), value, value), oci.get(i));
        }
        assertEquals(List.of(), OciProcess.rlimits(Map.of()));
    }

    /** The golden files are what the untyped OciProcess wrote for these processes. */
    @Test
    void theSpecIsTheOneTheUntypedBuilderWrote() {
        assertEquals(golden("process-alice-tty-privileged.json"), json(processes.build(target,
                new ProcessSpec("", "/bin/echo", List.of("hi"), List.of("B=process"), "", "alice",
                        Map.of("nproc", 100L), new WindowSize(120, 0), ImageRef.DEFAULT, List.of()),
                new ExecUser("alice", 1000, 1000, List.of(50, 60), "/home/alice"), "/work")));
        assertEquals(golden("process-root-unprivileged.json"), json(processes.build(
                new ProcessTarget("h3", Path.of("/depot/h3"), Path.of("/depot/h3/rootfs"), List.of("PATH=/bin"), false),
                new ProcessSpec("", "ls", List.of(), List.of(), "", "", Map.of(), null, ImageRef.DEFAULT, List.of()),
                ROOT, "/")));
    }
}
