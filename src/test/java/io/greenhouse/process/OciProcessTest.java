package io.greenhouse.process;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.WindowSize;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciProcessTest {
    private static final ExecUser ROOT = new ExecUser("root", 0, 0, List.of(), "/root");
    private static final ExecUser ALICE = new ExecUser("alice", 1000, 1000, List.of(50), "/home/alice");
    private final ProcessTarget target = new ProcessTarget("h", Path.of("/depot/h"), Path.of("/depot/h/rootfs"),
            List.of("A=container", "B=container"), true);

    private static ProcessSpec spec(List<String> env, Map<String, Long> rlimits, WindowSize tty) {
        return new ProcessSpec("", "/bin/echo", List.of("hi"), env, "", "", rlimits, tty, ImageRef.DEFAULT, List.of());
    }

    @Test
    void processEnvWinsOverContainerEnvAndDefaultsFillTheRest() {
        assertEquals(List.of("A=container", "B=process", "PATH=" + OciProcess.ROOT_PATH.substring(5), "USER=root", "HOME=/root"),
                OciProcess.env(target.env(), List.of("B=process"), ROOT));
        assertEquals(List.of("PATH=/mine", "USER=bob", "HOME=/h"),
                OciProcess.env(List.of(), List.of("PATH=/mine", "USER=bob", "HOME=/h"), ALICE));
        assertTrue(OciProcess.env(List.of(), List.of(), ALICE).contains(OciProcess.USER_PATH));
    }

    @Test
    void argsUserCwdAndTerminalAreSet() {
        JsonObject p = OciProcess.build(target, spec(List.of(), Map.of(), new WindowSize(0, 0)), ALICE, "/work");
        assertEquals(List.of("/bin/echo", "hi"), p.getJsonArray("args").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
        assertEquals(1000, p.getJsonObject("user").getInt("uid"));
        assertEquals(50, p.getJsonObject("user").getJsonArray("additionalGids").getInt(0));
        assertEquals("/work", p.getString("cwd"));
        assertTrue(p.getBoolean("terminal"));
        assertEquals(24, p.getJsonObject("consoleSize").getInt("height"));
        assertEquals(80, p.getJsonObject("consoleSize").getInt("width"));
    }

    @Test
    void aNonRootUserGetsNoMoreThanTheNonRootCapabilitiesInEverySet() {
        JsonObject caps = OciProcess.build(target, spec(List.of(), Map.of(), null), ALICE, "/").getJsonObject("capabilities");
        for (String set : List.of("bounding", "inheritable", "permitted")) {
            List<String> got = caps.getJsonArray(set).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
            assertFalse(got.isEmpty(), set);
            assertTrue(OciProcess.NON_ROOT_MAX_CAPS.containsAll(got), set + ": " + got);
        }
        JsonObject rootCaps = OciProcess.build(target, spec(List.of(), Map.of(), null), ROOT, "/").getJsonObject("capabilities");
        assertTrue(rootCaps.getJsonArray("permitted").toString().contains("CAP_SYS_TIME"));
    }

    @Test
    void rlimitsAreSoftAndHardAndUnsigned() {
        JsonObject p = OciProcess.build(target, spec(List.of(), Map.of("nofile", -1L), null), ROOT, "/");
        JsonObject limit = p.getJsonArray("rlimits").getJsonObject(0);
        assertEquals("RLIMIT_NOFILE", limit.getString("type"));
        assertEquals("18446744073709551615", limit.getJsonNumber("hard").toString());
        assertEquals("18446744073709551615", limit.getJsonNumber("soft").toString());
        assertThrows(GardenException.class,
                () -> OciProcess.build(target, spec(List.of(), Map.of("bogus", 1L), null), ROOT, "/"));
    }
}
