package io.greenhouse.backend;

import java.util.List;
import java.util.Map;

public record ContainerInfo(
        String state,
        List<String> events,
        String hostIp,
        String containerIp,
        String externalIp,
        String containerPath,
        List<String> processIds,
        Map<String, String> properties,
        List<PortMapping> mappedPorts) {

    public record PortMapping(long hostPort, long containerPort) {
    }
}
