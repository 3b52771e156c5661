package io.greenhouse.network;

import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.NetOutRule;
import io.greenhouse.backend.NetOutRule.IpRange;
import io.greenhouse.backend.NetOutRule.PortRange;
import io.greenhouse.backend.NetOutRule.Protocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirewallRulesTest {
    private final Names names = new Names("gh", "gh");
    private final FirewallRules rules = new FirewallRules(names, List.of("10.1.0.0/16", "10.2.0.1-10.2.0.9"));

    private static NetworkState state(List<NetOutRule> netOut, List<PortMapping> ports) {
        return new NetworkState("web-1", "0a0b0c0d", "10.254.0.0/30", "10.254.0.2", "192.0.2.2", 1500, ports,
                netOut, 0, 0, List.of("10.0.0.53", "10.254.0.1"), 5);
    }

    @Test
    void gardenRulesBecomeOneLinePerPortRangeAndNetworkAsInGuardian() {
        NetOutRule rule = new NetOutRule(Protocol.TCP,
                List.of(new IpRange("10.0.0.1", "10.0.0.9"), new IpRange("10.0.1.1", null)),
                List.of(new PortRange(80, 0), new PortRange(8000, 8080)), null, false);
        assertEquals(List.of(
                "-p tcp -m iprange --dst-range 10.0.0.1-10.0.0.9 -m tcp --dport 80",
                "-p tcp -d 10.0.1.1/32 -m tcp --dport 80",
                "-p tcp -m iprange --dst-range 10.0.0.1-10.0.0.9 -m tcp --dport 8000:8080",
                "-p tcp -d 10.0.1.1/32 -m tcp --dport 8000:8080"), FirewallRules.matches(rule));
        assertEquals(List.of("-p all"), FirewallRules.matches(new NetOutRule(null, null, null, null, false)));
        assertEquals(List.of("-p icmp -m icmp --icmp-type 8/0"), FirewallRules.matches(
                new NetOutRule(Protocol.ICMP, null, null, new NetOutRule.IcmpControl(8, 0), false)));
        assertEquals(List.of("-p icmp -m icmp --icmp-type 3"), FirewallRules.matches(
                new NetOutRule(Protocol.ICMP, null, null, new NetOutRule.IcmpControl(3, null), false)));
    }

    @Test
    void invalidRulesAreGardenErrors() {
        for (NetOutRule bad : List.of(
                new NetOutRule(Protocol.ALL, null, List.of(new PortRange(80, 80)), null, false),
                new NetOutRule(Protocol.ICMP, null, List.of(new PortRange(80, 80)), null, false),
                new NetOutRule(Protocol.ICMPV6, null, null, null, false),
                new NetOutRule(Protocol.TCP, List.of(new IpRange("::1", null)), null, null, false),
                new NetOutRule(Protocol.TCP, List.of(new IpRange("10.0.0.9", "10.0.0.1")), null, null, false),
                new NetOutRule(Protocol.TCP, null, List.of(new PortRange(90, 80)), null, false),
                new NetOutRule(Protocol.UDP, null, List.of(new PortRange(0, 0)), null, false))) {
            assertThrows(GardenException.class, () -> FirewallRules.matches(bad), bad.toString());
        }
    }

    @Test
    void theContainerChainAllowsItsSubnetDnsAllowListAndRulesNewestFirstThenRejects() {
        NetOutRule first = new NetOutRule(Protocol.UDP, List.of(new IpRange("10.3.0.1", "")), null, null, false);
        NetOutRule second = new NetOutRule(Protocol.TCP, List.of(new IpRange("10.3.0.2", "")), null, null, true);
        List<String> chain = rules.filterChains(state(List.of(first, second), List.of()));
        assertEquals(List.of(
                ":gh-c-0a0b0c0d - [0:0]",
                ":gh-c-0a0b0c0d-log - [0:0]",
                "-A gh-c-0a0b0c0d-log -m conntrack --ctstate NEW,UNTRACKED,INVALID -j LOG --log-prefix \"web-1 \"",
                "-A gh-c-0a0b0c0d-log -j ACCEPT",
                "-A gh-c-0a0b0c0d -s 10.254.0.0/30 -d 10.254.0.0/30 -j ACCEPT",
                "-A gh-c-0a0b0c0d -d 10.0.0.53/32 -p udp -m udp --dport 53 -j ACCEPT",
                "-A gh-c-0a0b0c0d -d 10.0.0.53/32 -p tcp -m tcp --dport 53 -j ACCEPT",
                "-A gh-c-0a0b0c0d -d 10.1.0.0/16 -j ACCEPT",
                "-A gh-c-0a0b0c0d -m iprange --dst-range 10.2.0.1-10.2.0.9 -j ACCEPT",
                "-A gh-c-0a0b0c0d -p tcp -d 10.3.0.2/32 -g gh-c-0a0b0c0d-log",
                "-A gh-c-0a0b0c0d -p udp -d 10.3.0.1/32 -j ACCEPT",
                "-A gh-c-0a0b0c0d -j REJECT --reject-with icmp-port-unreachable"), chain);
    }

    @Test
    void aNetOutInsertsAfterTheHeadSoTheChainIsWhatAFullRewriteWrites() {
        NetOutRule old = new NetOutRule(Protocol.UDP, List.of(new IpRange("10.3.0.1", "")), null, null, false);
        NetOutRule a = new NetOutRule(Protocol.TCP, List.of(new IpRange("10.3.0.2", ""), new IpRange("10.3.0.3", "")),
                null, null, true);
        NetOutRule b = new NetOutRule(Protocol.TCP, null, List.of(new PortRange(443, 0)), null, false);
        NetworkState before = state(List.of(old), List.of());
        assertEquals(5, rules.egressHead(before).size(), "subnet, two lines for the one non-gateway DNS server, two allowed");

        String append = rules.appendEgress(before, List.of(a, b));
        assertEquals(List.of("*filter",
                "-I gh-c-0a0b0c0d 6 -p tcp -d 10.3.0.2/32 -g gh-c-0a0b0c0d-log",
                "-I gh-c-0a0b0c0d 7 -p tcp -d 10.3.0.3/32 -g gh-c-0a0b0c0d-log",
                "-I gh-c-0a0b0c0d 6 -p tcp -m tcp --dport 443 -j ACCEPT",
                "COMMIT"), append.lines().toList(), "no flush, no declaration: the chain's other rules stay");

        // iptables' -I N puts the rule at position N (1-based), moving the others down.
        List<String> chain = new java.util.ArrayList<>(rulesOf(rules.filterChains(before)));
        for (String line : append.lines().filter(l -> l.startsWith("-I ")).toList()) {
            String[] f = line.split(" ", 4);
            chain.add(Integer.parseInt(f[2]) - 1, f[3]);
        }
        assertEquals(rulesOf(rules.filterChains(before.withRules(List.of(a, b)))), chain);
        assertThrows(IllegalStateException.class, () -> rules.appendEgress(before.withEgressHead(-1), List.of(a)));
    }

    private static List<String> rulesOf(List<String> filterChains) {
        return filterChains.stream().filter(l -> l.startsWith("-A gh-c-0a0b0c0d "))
                .map(l -> l.substring("-A gh-c-0a0b0c0d ".length())).toList();
    }

    @Test
    void connectIsOneTransactionForBothTablesAndDisconnectUndoesIt() {
        NetworkState s = state(List.of(), List.of(new PortMapping(61001, 8080)));
        String connect = rules.connect(s);
        assertTrue(connect.contains("-A gh-containers -i ghb0afe0000 -s 10.254.0.2/32 -g gh-c-0a0b0c0d\n"), connect);
        assertTrue(connect.contains("-A gh-n-0a0b0c0d -d 192.0.2.2/32 -p tcp -m tcp --dport 61001 -j DNAT --to-destination 10.254.0.2:8080\n"));
        assertTrue(connect.contains("-A gh-n-0a0b0c0d -d 127.0.0.1/32 -p tcp -m tcp --dport 61001 -j DNAT --to-destination 10.254.0.2:8080\n"));
        assertTrue(connect.contains("-A gh-prerouting -j gh-n-0a0b0c0d\n"));
        assertTrue(connect.contains("-A gh-postrouting -s 10.254.0.2/32 ! -o gh+ -j MASQUERADE\n"));
        assertEquals(2, connect.lines().filter("COMMIT"::equals).count());
        String disconnect = rules.disconnect(s);
        for (String gone : List.of("-D gh-containers -i ghb0afe0000 -s 10.254.0.2/32 -g gh-c-0a0b0c0d", "-X gh-c-0a0b0c0d",
                "-X gh-c-0a0b0c0d-log", "-D gh-prerouting -j gh-n-0a0b0c0d", "-X gh-n-0a0b0c0d",
                "-D gh-postrouting -s 10.254.0.2/32 ! -o gh+ -j MASQUERADE")) {
            assertTrue(disconnect.contains(gone + "\n"), gone);
        }
    }

    @Test
    void logPrefixesKeepTheFirst28CharactersOfTheHandle() {
        assertEquals("abcdefghijklmnopqrstuvwxyz01 ", FirewallRules.logPrefix("abcdefghijklmnopqrstuvwxyz0123456789"));
    }

    @Test
    void hostChainsAreMadeOnceAndJumpsAddedOnlyWhenMissing() {
        HostChains chains = new HostChains(names, false);
        String fresh = chains.rules((table, chain) -> chain.equals(chain.toUpperCase()) ? List.of("-P " + chain + " ACCEPT") : null);
        assertTrue(fresh.contains(":gh-containers - [0:0]\n"));
        assertTrue(fresh.contains("-I FORWARD 1 -i gh+ -j gh-forward\n"));
        assertTrue(fresh.contains("-I OUTPUT 1 -m addrtype --dst-type LOCAL -j gh-prerouting\n"));
        assertTrue(fresh.contains("-A gh-input -j REJECT --reject-with icmp-host-prohibited\n"));
        String again = chains.rules((table, chain) -> switch (chain) {
            case "FORWARD" -> List.of("-A FORWARD -i gh+ -j gh-forward", "-A FORWARD -o gh+ -j gh-forward");
            case "gh-containers" -> List.of("-N gh-containers", "-A gh-containers -i x -j y");
            default -> List.of();
        });
        assertTrue(!again.contains(":gh-containers ") && !again.contains("-I FORWARD"), again);
        assertTrue(again.contains(":gh-forward - [0:0]\n"), "the forward chain is rebuilt");
    }

    @Test
    void bandwidthIsATokenBucketAtLeastAPacketDeep() {
        assertEquals("qdisc add dev gh0a0b0c0d root handle 1: tbf rate 8000bit burst 66560 latency 100ms\n",
                Bandwidth.limit("gh0a0b0c0d", 1000, 100, 1500));
        assertTrue(Bandwidth.limit("eth0", 1000, 1 << 20, 1500).contains(" burst 1048576 "));
    }
}
