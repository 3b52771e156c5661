package io.greenhouse.network;

import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.ContainerNetwork;
import io.greenhouse.backend.NetOutRule;

import java.util.ArrayList;
import java.util.List;

/**
 * What the networker made for one container, kept in its depot directory (network.json): written
 * before anything is made, so whatever a crash leaves half made can still be found and removed.
 *
 * @param id             short random name of the container's veth and chains
 * @param subnet         its subnet ("10.254.0.4/30")
 * @param rules          every egress rule it was given, oldest first
 * @param egressHead     how many rules its filter chain holds before its Garden rules (subnet, DNS,
 *                       allow list) as last written, so a NetOut inserts right after them; -1 when
 *                       unknown (a state saved before this was recorded): the next NetOut rewrites
 *                       the chain whole and records it
 */
record NetworkState(String handle, String id, String subnet, String containerIp, String externalIp, int mtu,
                    List<PortMapping> mappedPorts, List<NetOutRule> rules, long bandwidthRate, long bandwidthBurst,
                    List<String> dnsServers, int egressHead) {

    NetworkState {
        mappedPorts = mappedPorts == null ? List.of() : List.copyOf(mappedPorts);
        rules = rules == null ? List.of() : List.copyOf(rules);
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
    }

    Subnet subnetValue() {
        return Subnet.parse(subnet);
    }

    int address() {
        return Subnet.parseAddress(containerIp);
    }

    String gatewayIp() {
        return Subnet.format(subnetValue().gateway());
    }

    SubnetPool.Allocation allocation() {
        return new SubnetPool.Allocation(subnetValue(), address());
    }

    ContainerNetwork network() {
        return new ContainerNetwork(gatewayIp(), containerIp, externalIp, mappedPorts);
    }

    NetworkState withMappedPort(PortMapping mapping) {
        List<PortMapping> ports = new ArrayList<>(mappedPorts);
        ports.add(mapping);
        return new NetworkState(handle, id, subnet, containerIp, externalIp, mtu, ports, rules, bandwidthRate,
                bandwidthBurst, dnsServers, egressHead);
    }

    NetworkState withRules(List<NetOutRule> added) {
        List<NetOutRule> all = new ArrayList<>(rules);
        all.addAll(added);
        return new NetworkState(handle, id, subnet, containerIp, externalIp, mtu, mappedPorts, all, bandwidthRate,
                bandwidthBurst, dnsServers, egressHead);
    }

    NetworkState withDnsServers(List<String> servers) {
        return new NetworkState(handle, id, subnet, containerIp, externalIp, mtu, mappedPorts, rules, bandwidthRate,
                bandwidthBurst, servers, egressHead);
    }

    NetworkState withEgressHead(int head) {
        return new NetworkState(handle, id, subnet, containerIp, externalIp, mtu, mappedPorts, rules, bandwidthRate,
                bandwidthBurst, dnsServers, head);
    }
}
