package io.greenhouse.backend;

import java.util.ArrayList;
import java.util.List;

/** A container's addresses as clients see them in its info, and the ports mapped to it. */
public record ContainerNetwork(String hostIp, String containerIp, String externalIp,
                               List<ContainerInfo.PortMapping> mappedPorts) {

    /** A container with loopback only. */
    public static final ContainerNetwork NONE = new ContainerNetwork("", "", "", List.of());

    public ContainerNetwork {
        mappedPorts = mappedPorts == null ? List.of() : List.copyOf(mappedPorts);
    }

    public ContainerNetwork withMappedPort(ContainerInfo.PortMapping mapping) {
        List<ContainerInfo.PortMapping> ports = new ArrayList<>(mappedPorts);
        ports.add(mapping);
        return new ContainerNetwork(hostIp, containerIp, externalIp, ports);
    }
}
