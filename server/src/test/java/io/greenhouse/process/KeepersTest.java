package io.greenhouse.process;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepersTest {
    @Test
    void theKeeperRunsTheProcessArgumentsUnchangedAfterItsOwn() {
        assertEquals(List.of("/tmp/garden-init", "keep", "/tmp/garden-streams/ab", "--", "sh", "-c", "echo -- x"),
                Keepers.args("/tmp/garden-init", "/tmp/garden-streams/ab", List.of("sh", "-c", "echo -- x")));
    }

    @Test
    void aProcessIdBecomesAFixedLengthHexNameWhateverItHoldsSoNoIdIsAPath() {
        for (String id : List.of("p", "../../etc", "a/b", "x".repeat(500), "é\0")) {
            String name = ProcessManager.streamsName(id);
            assertTrue(name.matches("[0-9a-f]{32}"), name);
        }
        assertEquals(ProcessManager.streamsName("same"), ProcessManager.streamsName("same"));
    }
}
