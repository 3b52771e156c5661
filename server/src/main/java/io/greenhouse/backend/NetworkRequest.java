package io.greenhouse.backend;

import java.util.List;

/**
 * What a container asks of the network when it is created.
 *
 * @param network        Garden's network spec: empty (a /30 from the pool), a subnet ("10.254.1.0/30",
 *                       or a larger one several containers share) or an exact address ("10.254.1.2/30")
 * @param netIn          port mappings to make at once (0 host port: from the port pool; 0 container
 *                       port: the host port)
 * @param netOut         egress rules to allow at once
 * @param bandwidthRate  bytes per second in each direction; 0 means unlimited
 * @param bandwidthBurst bytes that may pass at once above the rate
 */
public record NetworkRequest(String network, List<ContainerInfo.PortMapping> netIn, List<NetOutRule> netOut,
                             long bandwidthRate, long bandwidthBurst) {
    public NetworkRequest {
        network = network == null ? "" : network;
        netIn = netIn == null ? List.of() : List.copyOf(netIn);
        netOut = netOut == null ? List.of() : List.copyOf(netOut);
    }

    public static NetworkRequest of(ContainerSpec spec) {
        return new NetworkRequest(spec.network(), spec.netIn(), spec.netOut(),
                spec.limits().bandwidthRate(), spec.limits().bandwidthBurst());
    }
}
