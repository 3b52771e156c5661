package io.greenhouse.backend;

import java.util.List;

/**
 * One egress allowance, as Garden's NetOutRule: a protocol, destination address ranges (none:
 * anywhere), destination port ranges (TCP and UDP only; none: any), ICMP type and code (ICMP only)
 * and whether new connections it allows are logged.
 */
public record NetOutRule(Protocol protocol, List<IpRange> networks, List<PortRange> ports, IcmpControl icmps,
                         boolean log) {

    public NetOutRule {
        protocol = protocol == null ? Protocol.ALL : protocol;
        networks = networks == null ? List.of() : List.copyOf(networks);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** Garden's protocol numbers are the enum's ordinals. */
    public enum Protocol { ALL, TCP, UDP, ICMP, ICMPV6 }

    /** Start to end inclusive; either may be empty, meaning a single address (the other). */
    public record IpRange(String start, String end) {
    }

    /** Start to end inclusive; an end of 0 means the start alone. */
    public record PortRange(int start, int end) {
    }

    /** An ICMP type and, if given, code. */
    public record IcmpControl(int type, Integer code) {
    }
}
