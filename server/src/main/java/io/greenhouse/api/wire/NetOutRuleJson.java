package io.greenhouse.api.wire;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * garden.NetOutRule: protocol is Garden's number (0 all, 1 tcp, 2 udp, 3 icmp, 4 icmpv6); network
 * addresses are strings (Go's net.IP); every field may be left out.
 */
public record NetOutRuleJson(
        @JsonbProperty("protocol") @GoType(GoType.Kind.UINT8) Integer protocol,
        @JsonbProperty("networks") List<IpRangeJson> networks,
        @JsonbProperty("ports") List<PortRangeJson> ports,
        @JsonbProperty("icmps") IcmpControlJson icmps,
        @JsonbProperty("log") Boolean log) {

    public record IpRangeJson(@JsonbProperty("start") String start, @JsonbProperty("end") String end) {
    }

    public record PortRangeJson(@JsonbProperty("start") @GoType(GoType.Kind.UINT16) Integer start, @JsonbProperty("end") @GoType(GoType.Kind.UINT16) Integer end) {
    }

    public record IcmpControlJson(@JsonbProperty("type") @GoType(GoType.Kind.UINT8) Integer type, @JsonbProperty("code") @GoType(GoType.Kind.UINT8) Integer code) {
    }
}
