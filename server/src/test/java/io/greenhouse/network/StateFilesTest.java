package io.greenhouse.network;

import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.NetOutRule;
import io.greenhouse.backend.NetOutRule.IpRange;
import io.greenhouse.backend.NetOutRule.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StateFilesTest {
    private final StateFiles files = new StateFiles();

    @Test
    void aStateReadsBackAsSaved(@TempDir Path dir) {
        NetworkState s = new NetworkState("web-1", "0a0b0c0d", "10.254.0.0/30", "10.254.0.2", "192.0.2.2", 1500,
                List.of(new PortMapping(61001, 8080)),
                List.of(new NetOutRule(Protocol.TCP, List.of(new IpRange("10.3.0.1", "10.3.0.1")), null, null, true)),
                1000, 2000, List.of("10.0.0.53"), 3);
        files.save(dir.resolve("network.json"), s);
        assertEquals(s, files.load(dir.resolve("network.json")).orElseThrow());
    }

    /** A container made before the chain's head was recorded, found after a live upgrade. */
    @Test
    void aStateWithoutTheHeadOfItsChainLoadsWithAnUnknownHead(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("network.json"), "{\"handle\":\"old\",\"id\":\"0a0b0c0d\",\"subnet\":\"10.254.0.0/30\","
                + "\"containerIp\":\"10.254.0.2\",\"externalIp\":\"\",\"mtu\":1500,\"bandwidthRate\":0,\"bandwidthBurst\":0,"
                + "\"dnsServers\":[],\"mappedPorts\":[],\"rules\":[]}");
        assertEquals(-1, files.load(dir.resolve("network.json")).orElseThrow().egressHead());
    }
}
