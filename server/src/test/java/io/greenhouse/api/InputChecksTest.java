package io.greenhouse.api;

import io.greenhouse.api.stream.ProcessSpecReaderAccess;
import io.greenhouse.api.wire.ContainerSpecJson;
import io.greenhouse.backend.GardenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Request values are checked before they reach a path, an argument vector, a log line or runC. */
class InputChecksTest {
    private final JsonBodies bodies = new JsonBodies();

    private void refusedAtCreate(String json) {
        assertThrows(GardenException.class, () -> WireMapper.toSpec(bodies.read(json, ContainerSpecJson.class, null)), json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"env\":[\"NOEQUALS\"]}",
            "{\"env\":[\"=value\"]}",
            "{\"env\":[\"A=1\\u0000B=2\"]}",
            "{\"properties\":{\"a\\nforged log line\":\"x\"}}",
            "{\"properties\":{\"\":\"x\"}}",
            "{\"bind_mounts\":[{\"src_path\":\"/etc\\u0000\",\"dst_path\":\"/x\"}]}",
            "{\"image\":{\"uri\":\"docker:///busybox\\n\"}}",
            "{\"rootfs\":\"/var/lib\\u0000\"}",
    })
    void hostileCreateValuesAreRefused(String json) {
        refusedAtCreate(json);
    }

    @Test
    void ordinaryValuesPass() {
        var spec = WireMapper.toSpec(bodies.read("{\"env\":[\"A=\",\"B=x=y\"],\"properties\":{\"executor:owner\":\"\"}}",
                ContainerSpecJson.class, null));
        assertEquals(List.of("A=", "B=x=y"), spec.env());
        assertEquals(Map.of("executor:owner", ""), spec.properties());
        assertEquals("alice", InputChecks.user("alice"));
        assertEquals("1000:1000", InputChecks.user("1000:1000"));
        assertEquals("/tmp/a b", InputChecks.path("/tmp/a b", "destination"));
    }

    @Test
    void runValuesAreCheckedToo() {
        assertEquals("user '-rf' must not start with '-'",
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"user\":\"-rf\"}"));
        assertEquals("process arguments must not contain a NUL character",
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"args\":[\"a\\u0000b\"]}"));
        assertEquals("env entry 'X' must be of the form NAME=VALUE",
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"env\":[\"X\"]}"));
        assertEquals("dir must not contain a NUL character",
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"dir\":\"/\\u0000\"}"));
        assertThrows(GardenException.class, () -> InputChecks.path("/" + "a".repeat(5000), "destination"));
        assertThrows(GardenException.class, () -> InputChecks.user("bob\n"));
    }
}
