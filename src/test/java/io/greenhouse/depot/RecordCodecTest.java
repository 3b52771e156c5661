package io.greenhouse.depot;

import io.greenhouse.backend.ContainerInfo;
import io.greenhouse.backend.ContainerRecord;
import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.NetOutRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecordCodecTest {
    @Test
    void aRecordWithPortMappingsAndEgressRulesReadsBackEqual() {
        RecordCodec codec = new RecordCodec();
        ContainerSpec spec = new ContainerSpec("web", Duration.ofSeconds(5), null, null, "10.254.1.0/24", Map.of("a", "b"),
                List.of("X=1"), false, null, List.of(new ContainerInfo.PortMapping(0, 8080)),
                List.of(new NetOutRule(NetOutRule.Protocol.ICMP, List.of(new NetOutRule.IpRange("10.0.0.1", "")), null,
                        new NetOutRule.IcmpControl(8, null), true)));
        ContainerRecord record = new ContainerRecord(spec, spec.properties(), spec.graceTime(),
                Instant.parse("2026-01-01T00:00:00Z"), List.of(), false);
        assertEquals(record, codec.decode(codec.encode(record)));
    }
}
