package io.greenhouse.depot;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerRecord;
import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.backend.ContainerInfo;
import io.greenhouse.backend.NetOutRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Records read back exactly as written, and records written before phases existed read as created. */
class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();

    @Test
    void aRecordReadsBackEqualToWhatWasWritten() {
        ContainerSpec spec = new ContainerSpec("h", Duration.ofMinutes(5), new ImageRef("/rootfs", "", ""),
                List.of(new BindMount("/src", "/dst", false, false)), "10.254.0.0/30",
                Map.of("p", "v"), List.of("A=1"), true, ResourceLimits.NONE, null, null);
        for (ContainerRecord.Phase phase : ContainerRecord.Phase.values()) {
            ContainerRecord record = new ContainerRecord(spec, Map.of("k", "v"), Duration.ofSeconds(30),
                    Instant.parse("2026-12-01T00:00:00Z"), List.of("PATH=/bin"), true, phase);
            assertEquals(record, codec.decode(codec.encode(record)));
        }
    }

    @Test
    void aRecordWithoutPhaseIsAContainerAnEarlierVersionFinishedCreating() {
        String old = "{\"createdAt\":\"2026-01-01T00:00:00Z\",\"graceTime\":\"PT0S\",\"properties\":{},"
                + "\"rootfsEnv\":[],\"spec\":{\"handle\":\"old\"},\"stopped\":false}";
        ContainerRecord record = codec.decode(old);
        assertEquals("old", record.handle());
        assertEquals(ContainerRecord.Phase.CREATED, record.phase());
    }

    @Test
    void aRecordWithPortMappingsAndEgressRulesReadsBackEqual() {
        ContainerSpec spec = new ContainerSpec("web", Duration.ofSeconds(5), null, null, "10.254.1.0/24", Map.of("a", "b"),
                List.of("X=1"), false, null, List.of(new ContainerInfo.PortMapping(0, 8080)),
                List.of(new NetOutRule(NetOutRule.Protocol.ICMP, List.of(new NetOutRule.IpRange("10.0.0.1", "")), null,
                        new NetOutRule.IcmpControl(8, null), true)));
        ContainerRecord record = new ContainerRecord(spec, spec.properties(), spec.graceTime(),
                Instant.parse("2026-01-01T00:00:00Z"), List.of(), false, ContainerRecord.Phase.CREATED);
        assertEquals(record, codec.decode(codec.encode(record)));
    }
}
