package io.greenhouse.api;

import io.greenhouse.api.wire.ContainerSpecJson;
import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerInfo;
import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.NetOutRule;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Go client's container spec JSON, parsed as the API parses it, becomes the backend's spec. */
class WireMapperTest {
    private final JsonBodies bodies = new JsonBodies();

    private ContainerSpec parse(String json) {
        return WireMapper.toSpec(bodies.read(json, ContainerSpecJson.class, null));
    }

    @Test
    void everyFieldOfAFullSpecReachesTheDomain() {
        ContainerSpec spec = parse("""
                {"handle":"h1","grace_time":30000000000,"rootfs":"/old","image":{"uri":"raw:///img","username":"u","password":"p"},
                 "bind_mounts":[{"src_path":"/src","dst_path":"/dst","mode":1,"origin":0},
                                {"src_path":"/in","dst_path":"/out","mode":0,"origin":1}],
                 "network":"10.0.0.0/30","properties":{"a":"1"},"env":["A=1","B=2"],"privileged":true,
                 "limits":{"memory_limits":{"limit_in_bytes":1048576},"cpu_limits":{"weight":512,"limit_in_shares":100},
                           "pid_limits":{"max":50},"bandwidth_limits":{"rate":10,"burst":20},
                           "disk_limits":{"inode_soft":1,"inode_hard":2,"byte_soft":3,"byte_hard":4,"scope":1}}}
                """);
        assertEquals("h1", spec.handle());
        assertEquals(Duration.ofSeconds(30), spec.graceTime());
        assertEquals("raw:///img", spec.image().uri(), "image.uri wins over rootfs");
        assertEquals("u", spec.image().username());
        assertEquals(List.of(new BindMount("/src", "/dst", true, false), new BindMount("/in", "/out", false, true)),
                spec.bindMounts());
        assertEquals("10.0.0.0/30", spec.network());
        assertEquals(Map.of("a", "1"), spec.properties());
        assertEquals(List.of("A=1", "B=2"), spec.env());
        assertTrue(spec.privileged());
        assertEquals(new ResourceLimits(1048576, 100, 512, 50, new ResourceLimits.DiskLimits(1, 2, 3, 4, true), 10, 20),
                spec.limits());
        assertEquals(512, spec.limits().effectiveCpuShares(), "weight supersedes shares");
    }

    @Test
    void emptySpecGetsDefaultsNotNulls() {
        ContainerSpec spec = parse("{}");
        assertEquals(null, spec.handle());
        assertEquals(Duration.ZERO, spec.graceTime());
        assertTrue(spec.image().isDefault());
        assertEquals(List.of(), spec.bindMounts());
        assertEquals(Map.of(), spec.properties());
        assertEquals(ResourceLimits.NONE, spec.limits());
        assertFalse(spec.privileged());
    }

    @Test
    void olderRootfsFieldIsUsedWhenThereIsNoImageUri() {
        assertEquals("/old", parse("{\"rootfs\":\"/old\"}").image().uri());
        assertEquals("/old", parse("{\"rootfs\":\"/old\",\"image\":{\"uri\":\"\"}}").image().uri());
    }

    @Test
    void negativeNumbersAndUnknownModesAreGardenErrors() {
        for (String bad : List.of("{\"grace_time\":-1}",
                "{\"limits\":{\"memory_limits\":{\"limit_in_bytes\":-5}}}",
                "{\"limits\":{\"pid_limits\":{\"max\":-1}}}",
                "{\"bind_mounts\":[{\"src_path\":\"/a\",\"dst_path\":\"/b\",\"mode\":2}]}",
                "{\"bind_mounts\":[{\"src_path\":\"/a\",\"dst_path\":\"/b\",\"origin\":7}]}",
                "{\"netin\":[{\"host_port\":-1}]}",
                "{\"netin\":[{\"container_port\":65536}]}",
                "{\"netout_rules\":[{\"protocol\":9}]}")) {
            assertThrows(GardenException.class, () -> parse(bad), bad);
        }
    }

    @Test
    void malformedJsonIsAGardenErrorQuotingTheBody() {
        GardenException e = assertThrows(GardenException.class, () -> parse("{bad"));
        assertTrue(e.getMessage().contains("{bad"), e.getMessage());
    }

    @Test
    void aNullPropertyValueBecomesEmptyAsInTheGoServer() {
        assertEquals(Map.of("a", ""), parse("{\"properties\":{\"a\":null}}").properties());
    }

    @Test
    void aNullEnvEntryIsAGardenError() {
        assertThrows(GardenException.class, () -> parse("{\"env\":[\"A=1\",null]}"));
    }

    @Test
    void netInAndNetOutRulesAreReadWithGardensFieldNames() {
        ContainerSpec spec = parse("{\"netin\":[{\"host_port\":61001,\"container_port\":8080},{\"container_port\":9090}],"
                + "\"netout_rules\":[{\"protocol\":1,\"networks\":[{\"start\":\"10.0.0.1\",\"end\":\"10.0.0.9\"}],"
                + "\"ports\":[{\"start\":80,\"end\":443}],\"log\":true},{\"protocol\":3,\"icmps\":{\"type\":8,\"code\":0}},{}]}");
        assertEquals(List.of(new ContainerInfo.PortMapping(61001, 8080), new ContainerInfo.PortMapping(0, 9090)), spec.netIn());
        assertEquals(List.of(
                new NetOutRule(NetOutRule.Protocol.TCP, List.of(new NetOutRule.IpRange("10.0.0.1", "10.0.0.9")),
                        List.of(new NetOutRule.PortRange(80, 443)), null, true),
                new NetOutRule(NetOutRule.Protocol.ICMP, null, null, new NetOutRule.IcmpControl(8, 0), false),
                new NetOutRule(NetOutRule.Protocol.ALL, null, null, null, false)), spec.netOut());
    }
}
