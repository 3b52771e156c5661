package io.greenhouse.network;

/**
 * A container's bandwidth limit as tc commands on the host side of its veth, where the container
 * cannot change it: a token bucket for traffic into the container (the veth's egress) and a
 * policer for traffic out of it (the veth's ingress). Garden gives bytes per second.
 */
final class Bandwidth {
    private Bandwidth() {
    }

    static String limit(String hostInterface, long rateBytes, long burstBytes, int mtu) {
        // A bucket smaller than a packet passes nothing; veths hand over packets of up to 64 KiB.
        long burst = Math.max(burstBytes, Math.max(mtu, 65536) + 1024L);
        long bits = rateBytes * 8;
        return "qdisc add dev " + hostInterface + " root handle 1: tbf rate " + bits + "bit burst " + burst
                + " latency 100ms\n"
                + "qdisc add dev " + hostInterface + " handle ffff: ingress\n"
                + "filter add dev " + hostInterface + " parent ffff: protocol all prio 1 u32 match u32 0 0 police rate "
                + bits + "bit burst " + burst + " mtu 65535 drop flowid :1\n";
    }
}
