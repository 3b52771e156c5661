package io.greenhouse.network;

/**
 * A container's bandwidth limit as tc token buckets, one each way: on the host side of its veth
 * (the veth's egress is traffic into the container) and on the container's eth0 (traffic out of
 * it). An ingress policer on the host side would keep both on the host, but needs tc's police
 * action, which kernels without modules may lack; an unprivileged container cannot change its
 * eth0's qdisc (it has no CAP_NET_ADMIN), a privileged one could. Garden gives bytes per second.
 */
final class Bandwidth {
    private Bandwidth() {
    }

    static String limit(String device, long rateBytes, long burstBytes, int mtu) {
        // A bucket smaller than a packet passes nothing; veths hand over packets of up to 64 KiB.
        long burst = Math.max(burstBytes, Math.max(mtu, 65536) + 1024L);
        return "qdisc add dev " + device + " root handle 1: tbf rate " + rateBytes * 8 + "bit burst " + burst
                + " latency 100ms\n";
    }
}
