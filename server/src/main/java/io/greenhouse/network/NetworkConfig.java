package io.greenhouse.network;

import java.nio.file.Path;
import java.util.List;

/**
 * How the cell's networking is set up.
 *
 * @param pool             the dynamic range containers get a /30 of when they name no network
 * @param mtu              of both ends of every veth
 * @param externalIp       the address NetIn maps host ports on (besides 127.0.0.1)
 * @param portPoolStart    first host port NetIn hands out
 * @param portPoolSize     how many it hands out
 * @param dnsServers       nameservers of every container; empty: the host's
 * @param allow            address ranges every container may reach ("10.0.0.0/8", "10.1.1.1-10.1.1.9")
 * @param allowHostAccess  whether containers may open connections to the host itself
 * @param interfacePrefix  of the bridges and host-side veths this cell makes (at most 5 characters)
 * @param chainPrefix      of the iptables chains this cell makes (at most 12 characters)
 * @param ipForward        turn on the host's IPv4 forwarding, so that NetIn works from other machines;
 *                         without it, only the cell's bridges forward (the container's egress)
 * @param hostResolvConf   the host's resolv.conf, whose nameservers containers get by default
 */
public record NetworkConfig(String pool, int mtu, String externalIp, int portPoolStart, int portPoolSize,
                            List<String> dnsServers, List<String> allow, boolean allowHostAccess,
                            String interfacePrefix, String chainPrefix, boolean ipForward, Path hostResolvConf) {
    public NetworkConfig {
        dnsServers = List.copyOf(dnsServers);
        allow = List.copyOf(allow);
        if (interfacePrefix.isEmpty() || interfacePrefix.length() > 5 || !interfacePrefix.matches("[a-z][a-z0-9]*")) {
            throw new IllegalArgumentException("network interface prefix must be 1 to 5 lower-case letters or digits: "
                    + interfacePrefix);
        }
        if (chainPrefix.isEmpty() || chainPrefix.length() > 12 || !chainPrefix.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("iptables chain prefix must be 1 to 12 letters, digits or _: " + chainPrefix);
        }
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("bad MTU " + mtu);
        }
    }
}
