package io.greenhouse.api;

import io.greenhouse.api.stream.ProcessSpecReaderAccess;
import io.greenhouse.api.wire.ContainerSpecJson;
import io.greenhouse.api.wire.NetInJson;
import io.greenhouse.api.wire.NetOutRuleJson;
import io.greenhouse.api.wire.StopJson;
import io.greenhouse.backend.GardenException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bodies are bound as Go's encoding/json binds them onto Garden's structs: nothing is coerced. */
class StrictDecodingTest {
    private static final java.lang.reflect.Type RULES =
            new ArrayList<NetOutRuleJson>() { }.getClass().getGenericSuperclass();
    private final JsonBodies bodies = new JsonBodies();

    private String refusal(String json, java.lang.reflect.Type type) {
        return assertThrows(GardenException.class, () -> bodies.read(json, type, null)).getMessage();
    }

    @Test
    void aNumberForAStringIsRefusedWithGosMessage() {
        assertEquals("json: cannot unmarshal number into Go struct field ContainerSpec.handle of type string",
                refusal("{\"handle\": 12}", ContainerSpecJson.class));
    }

    @Test
    void nestedFieldsAreNamedByTheirPath() {
        assertEquals("json: cannot unmarshal string into Go struct field MemoryLimits.limits.memory_limits.limit_in_bytes"
                        + " of type uint64",
                refusal("{\"limits\":{\"memory_limits\":{\"limit_in_bytes\":\"1024\"}}}", ContainerSpecJson.class));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"privileged\":\"true\"}         | string",
            "{\"privileged\":1}                | number",
            "{\"grace_time\":\"10s\"}          | string",
            "{\"env\":\"A=1\"}                 | string",
            "{\"env\":[1]}                     | number",
            "{\"properties\":[\"a\"]}          | array",
            "{\"properties\":{\"a\":1}}        | number",
            "{\"bind_mounts\":{}}              | object",
            "{\"image\":\"docker:///busybox\"} | string",
            "{\"limits\":{\"pid_limits\":[]}}  | array",
    })
    void wrongJsonTypesAreRefused(String json, String kind) {
        assertEquals(true, refusal(json, ContainerSpecJson.class).startsWith("json: cannot unmarshal " + kind + " into "),
                json);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"host_port\":65536000000}  | number 65536000000 into Go struct field NetIn.host_port of type uint32",
            "{\"host_port\":-1}           | number -1 into Go struct field NetIn.host_port of type uint32",
            "{\"container_port\":1.5}     | number 1.5 into Go struct field NetIn.container_port of type uint32",
            "{\"container_port\":1e3}     | number 1E+3 into Go struct field NetIn.container_port of type uint32",
    })
    void outOfRangeAndFractionalNumbersAreRefused(String json, String message) {
        assertEquals("json: cannot unmarshal " + message, refusal(json, NetInJson.class));
    }

    @Test
    void enumsAreRangeCheckedAsTheirGoTypeThenByValue() {
        assertEquals("json: cannot unmarshal number 256 into Go struct field NetOutRule.protocol of type uint8",
                refusal("[{\"protocol\":256}]", RULES));
        assertEquals("json: cannot unmarshal number 70000 into Go struct field PortRange.ports.start of type uint16",
                refusal("[{\"ports\":[{\"start\":70000}]}]", RULES));
        GardenException unknown = assertThrows(GardenException.class,
                () -> WireMapper.netOutRules(bodies.read("[{\"protocol\":9}]", RULES, null)));
        assertEquals("invalid protocol: 9", unknown.getMessage());
        assertThrows(GardenException.class, () -> WireMapper.toSpec(bodies.read(
                "{\"bind_mounts\":[{\"src_path\":\"/a\",\"dst_path\":\"/b\",\"mode\":2}]}", ContainerSpecJson.class, null)));
        assertThrows(GardenException.class, () -> WireMapper.toSpec(bodies.read(
                "{\"limits\":{\"disk_limits\":{\"scope\":-1}}}", ContainerSpecJson.class, null)));
    }

    @Test
    void aTopLevelValueOfTheWrongKindNamesTheGoType() {
        assertEquals("json: cannot unmarshal array into Go value of type garden.ContainerSpec",
                refusal("[]", ContainerSpecJson.class));
        assertEquals("json: cannot unmarshal string into Go value of type int64", refusal("\"5s\"", Long.class));
        assertEquals("json: cannot unmarshal object into Go value of type []garden.NetOutRule", refusal("{}", RULES));
    }

    @Test
    void whatGoAcceptsIsAccepted() {
        // Unknown keys are ignored, keys match case-insensitively, null leaves the zero value.
        ContainerSpecJson spec = bodies.read("{\"Handle\":\"h\",\"future_field\":[1,{}],\"privileged\":null,"
                + "\"properties\":{\"a\":null},\"limits\":{\"memory_limits\":{\"limit_in_bytes\":18446744073709551615}}}",
                ContainerSpecJson.class, null);
        assertEquals("h", spec.handle());
        assertEquals(null, spec.privileged());
        assertEquals(Map.of("a", ""), spec.properties());
        assertEquals(Long.MAX_VALUE, spec.limits().memory().limitInBytes(), "uint64 beyond a long means no limit");
        assertEquals(new StopJson(true), bodies.read("{\"kill\":true}", StopJson.class, null));
        assertEquals(List.of(), bodies.read("[]", RULES, null));
        assertEquals(30_000_000_000L, bodies.read("30000000000", Long.class, null));
    }

    @Test
    void malformedJsonIsAGardenErrorNotAStackTrace() {
        for (String body : List.of("{", "{\"handle\":}", "nul", "{\"a\" 1}", "[".repeat(100_000), "\u0000")) {
            GardenException e = assertThrows(GardenException.class,
                    () -> bodies.read(body, ContainerSpecJson.class, null), body.length() > 20 ? "deep" : body);
            assertEquals(true, e.getMessage().startsWith("malformed request body"), e.getMessage());
        }
    }

    @Test
    void runBodiesAreDecodedJustAsStrictly() {
        assertEquals("json: cannot unmarshal number into Go struct field ProcessSpec.path of type string",
                ProcessSpecReaderAccess.refusal("{\"path\":1}"));
        assertEquals("json: cannot unmarshal string into Go struct field WindowSize.tty.window_size.columns of type uint16",
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"tty\":{\"window_size\":{\"columns\":\"80\"}}}"));
        assertEquals("json: cannot unmarshal number -1 into Go struct field ProcessSpec.rlimits.nofile of type uint64",
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"rlimits\":{\"nofile\":-1}}"));
        assertEquals("json: cannot unmarshal string into Go struct field ImageRef.image.uri of type string".replace(
                        "string into", "number into"),
                ProcessSpecReaderAccess.refusal("{\"path\":\"sh\",\"image\":{\"uri\":5}}"));
    }
}
