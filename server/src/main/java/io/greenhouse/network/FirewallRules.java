package io.greenhouse.network;

import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.NetOutRule;

import java.util.ArrayList;
import java.util.List;

/**
 * The iptables-restore input for a container, as text: one chain of the container's own in the
 * filter table holding all of its egress rules (so a bulk of thousands is one transaction and the
 * rules of one container never slow another's packets), one in the nat table holding its port
 * mappings, and their jumps from the cell's chains.
 *
 * <p>Egress from a container: replies pass (the cell's forward chain accepts established
 * connections first), traffic within its subnet passes, then its DNS servers, the cell's allow
 * list and its rules, newest first as in Guardian (a logged rule jumps to the log chain, which
 * logs new connections and accepts); everything else is rejected, so a denied connect fails at
 * once instead of hanging.
 */
final class FirewallRules {
    private final Names names;
    private final List<String> allow;

    FirewallRules(Names names, List<String> allow) {
        this.names = names;
        this.allow = List.copyOf(allow);
        allow.forEach(FirewallRules::destination);
    }

    /** Declares (or, if it exists, empties) the container's filter chains and fills them. */
    List<String> filterChains(NetworkState s) {
        String chain = names.containerChain(s.id());
        String log = names.logChain(s.id());
        List<String> out = new ArrayList<>();
        out.add(":" + chain + " - [0:0]");
        out.add(":" + log + " - [0:0]");
        out.add("-A " + log + " -m conntrack --ctstate NEW,UNTRACKED,INVALID -j LOG --log-prefix "
                + quote(logPrefix(s.handle())));
        out.add("-A " + log + " -j ACCEPT");
        for (String rule : egressHead(s)) {
            out.add("-A " + chain + " " + rule);
        }
        List<NetOutRule> rules = s.rules();
        for (int i = rules.size() - 1; i >= 0; i--) {
            for (String rule : gardenRule(s, rules.get(i))) {
                out.add("-A " + chain + " " + rule);
            }
        }
        out.add("-A " + chain + " -j REJECT --reject-with icmp-port-unreachable");
        return out;
    }

    /** The rules of the container's chain before its Garden rules: its subnet, its DNS servers, the allow list. */
    List<String> egressHead(NetworkState s) {
        List<String> out = new ArrayList<>();
        out.add("-s " + s.subnet() + " -d " + s.subnet() + " -j ACCEPT");
        for (String dns : s.dnsServers()) {
            if (!dns.equals(s.gatewayIp())) {
                out.add("-d " + dns + "/32 -p udp -m udp --dport 53 -j ACCEPT");
                out.add("-d " + dns + "/32 -p tcp -m tcp --dport 53 -j ACCEPT");
            }
        }
        for (String range : allow) {
            out.add(destination(range) + " -j ACCEPT");
        }
        return out;
    }

    private List<String> gardenRule(NetworkState s, NetOutRule rule) {
        String target = rule.log() ? " -g " + names.logChain(s.id()) : " -j ACCEPT";
        return matches(rule).stream().map(m -> m + target).toList();
    }

    /**
     * Adds rules to a running container's chain without touching the rest: each rule's lines are
     * inserted right after the chain's head, so the chain ends up as {@link #filterChains} would
     * write it (newest first, as in Guardian) while a NetOut costs one short transaction however
     * many rules the container already has. {@code s} is the state before the rules are added.
     */
    String appendEgress(NetworkState s, List<NetOutRule> added) {
        if (s.egressHead() < 0) {
            throw new IllegalStateException("the head of " + s.handle() + "'s chain is unknown");
        }
        String chain = names.containerChain(s.id());
        int first = s.egressHead() + 1;
        List<String> lines = new ArrayList<>();
        lines.add("*filter");
        for (NetOutRule rule : added) {
            int position = first;
            for (String line : gardenRule(s, rule)) {
                lines.add("-I " + chain + " " + position++ + " " + line);
            }
        }
        lines.add("COMMIT");
        return text(lines);
    }

    String containerJump(NetworkState s) {
        return names.containersChain() + " -i " + names.bridge(s.subnetValue()) + " -s " + s.containerIp()
                + "/32 -g " + names.containerChain(s.id());
    }

    /** A connected container: its chains, its jump, its port mappings and the masquerading of its egress. */
    String connect(NetworkState s) {
        List<String> lines = new ArrayList<>();
        lines.add("*filter");
        lines.addAll(filterChains(s));
        lines.add("-A " + containerJump(s));
        lines.add("COMMIT");
        lines.add("*nat");
        lines.add(":" + names.natChain(s.id()) + " - [0:0]");
        for (PortMapping m : s.mappedPorts()) {
            lines.addAll(portMapping(s, m));
        }
        lines.add("-A " + names.preroutingChain() + " -j " + names.natChain(s.id()));
        lines.add("-A " + masquerade(s));
        lines.add("COMMIT");
        return text(lines);
    }

    /** Replaces the container's egress rules, atomically (for a chain whose head is not recorded). */
    String replaceEgress(NetworkState s) {
        List<String> lines = new ArrayList<>();
        lines.add("*filter");
        lines.addAll(filterChains(s));
        lines.add("COMMIT");
        return text(lines);
    }

    String addPortMapping(NetworkState s, PortMapping m) {
        List<String> lines = new ArrayList<>();
        lines.add("*nat");
        lines.addAll(portMapping(s, m));
        lines.add("COMMIT");
        return text(lines);
    }

    /** Everything {@link #connect} made, in one transaction; fails if part of it is missing. */
    String disconnect(NetworkState s) {
        List<String> lines = new ArrayList<>();
        lines.add("*filter");
        lines.add("-D " + containerJump(s));
        lines.add(":" + names.containerChain(s.id()) + " - [0:0]");
        lines.add(":" + names.logChain(s.id()) + " - [0:0]");
        lines.add("-X " + names.containerChain(s.id()));
        lines.add("-X " + names.logChain(s.id()));
        lines.add("COMMIT");
        lines.add("*nat");
        lines.add("-D " + names.preroutingChain() + " -j " + names.natChain(s.id()));
        lines.add("-D " + masquerade(s));
        lines.add(":" + names.natChain(s.id()) + " - [0:0]");
        lines.add("-X " + names.natChain(s.id()));
        lines.add("COMMIT");
        return text(lines);
    }

    /** The same, as separate iptables commands (table, then arguments), for when part is missing. */
    List<List<String>> disconnectSteps(NetworkState s) {
        List<List<String>> steps = new ArrayList<>();
        steps.add(args("filter", "-D " + containerJump(s)));
        steps.addAll(removeChains(s.id()));
        steps.add(args("nat", "-D " + masquerade(s)));
        return steps;
    }

    /** Removes a container's chains, knowing only its id (what a dead container of unknown state left). */
    List<List<String>> removeChains(String id) {
        List<List<String>> steps = new ArrayList<>();
        steps.add(args("filter", "-F " + names.containerChain(id)));
        steps.add(args("filter", "-X " + names.containerChain(id)));
        steps.add(args("filter", "-F " + names.logChain(id)));
        steps.add(args("filter", "-X " + names.logChain(id)));
        steps.add(args("nat", "-D " + names.preroutingChain() + " -j " + names.natChain(id)));
        steps.add(args("nat", "-F " + names.natChain(id)));
        steps.add(args("nat", "-X " + names.natChain(id)));
        return steps;
    }

    private static List<String> args(String table, String rule) {
        List<String> a = new ArrayList<>(List.of("-t", table));
        a.addAll(List.of(rule.split(" ")));
        return a;
    }

    String masquerade(NetworkState s) {
        return names.postroutingChain() + " -s " + s.containerIp() + "/32 ! -o " + names.interfaces() + " -j MASQUERADE";
    }

    /** DNAT from the external IP and, unlike Guardian, from the host's loopback too. */
    List<String> portMapping(NetworkState s, PortMapping m) {
        String chain = names.natChain(s.id());
        String to = " -j DNAT --to-destination " + s.containerIp() + ":" + m.containerPort();
        List<String> out = new ArrayList<>();
        for (String local : List.of(s.externalIp(), "127.0.0.1")) {
            if (!local.isEmpty()) {
                out.add("-A " + chain + " -d " + local + "/32 -p tcp -m tcp --dport " + m.hostPort() + to);
            }
        }
        return out;
    }

    /** The iptables matches of one Garden rule: one line per port range and network, as in Guardian. */
    static List<String> matches(NetOutRule rule) {
        String protocol = switch (rule.protocol()) {
            case ALL -> "all";
            case TCP -> "tcp";
            case UDP -> "udp";
            case ICMP -> "icmp";
            case ICMPV6 -> throw new GardenException("invalid protocol: ICMPv6 rules are not supported (this cell supports IPv4 only)");
        };
        boolean ports = rule.protocol() == NetOutRule.Protocol.TCP || rule.protocol() == NetOutRule.Protocol.UDP;
        if (!rule.ports().isEmpty() && !ports) {
            throw new GardenException("Ports cannot be specified for Protocol " + protocol.toUpperCase());
        }
        String icmp = "";
        if (rule.icmps() != null && rule.protocol() == NetOutRule.Protocol.ICMP) {
            int type = checkedByte(rule.icmps().type(), "ICMP type");
            icmp = " -m icmp --icmp-type " + type
                    + (rule.icmps().code() == null ? "" : "/" + checkedByte(rule.icmps().code(), "ICMP code"));
        }
        List<String> networks = new ArrayList<>();
        for (NetOutRule.IpRange range : rule.networks()) {
            networks.add(" " + destination(range));
        }
        if (networks.isEmpty()) {
            networks.add("");
        }
        List<String> portMatches = new ArrayList<>();
        for (NetOutRule.PortRange range : rule.ports()) {
            int start = checkedPort(range.start());
            int end = range.end() == 0 ? start : checkedPort(range.end());
            if (end < start) {
                throw new GardenException("invalid port range " + start + "-" + end);
            }
            portMatches.add(" -m " + protocol + " --dport " + (end == start ? String.valueOf(start) : start + ":" + end));
        }
        if (portMatches.isEmpty()) {
            portMatches.add("");
        }
        List<String> out = new ArrayList<>();
        for (String p : portMatches) {
            for (String n : networks) {
                out.add(("-p " + protocol + n + p + icmp).strip());
            }
        }
        return out;
    }

    private static String destination(NetOutRule.IpRange range) {
        String start = blankToNull(range.start());
        String end = blankToNull(range.end());
        if (start == null && end == null) {
            return "";
        }
        if (start != null && end != null && !start.equals(end)) {
            int s = address(start);
            int e = address(end);
            if (Integer.compareUnsigned(e, s) < 0) {
                throw new GardenException("invalid address range " + start + "-" + end);
            }
            return "-m iprange --dst-range " + Subnet.format(s) + "-" + Subnet.format(e);
        }
        return "-d " + Subnet.format(address(start != null ? start : end)) + "/32";
    }

    /** An allow-list entry: "10.0.0.0/8", "10.1.1.1" or "10.1.1.1-10.1.1.9". */
    static String destination(String entry) {
        String e = entry.strip();
        if (e.contains("-")) {
            String[] parts = e.split("-", 2);
            return destination(new NetOutRule.IpRange(parts[0].strip(), parts[1].strip()));
        }
        try {
            return "-d " + Subnet.parse(e);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("bad network allow-list entry '" + entry + "': " + ex.getMessage());
        }
    }

    private static int address(String text) {
        try {
            return Subnet.parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw new GardenException("invalid IP address " + text + " (this cell supports IPv4 only)");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static int checkedPort(int port) {
        if (port < 1 || port > 65535) {
            throw new GardenException("invalid port " + port);
        }
        return port;
    }

    private static int checkedByte(int value, String what) {
        if (value < 0 || value > 255) {
            throw new GardenException("invalid " + what + " " + value);
        }
        return value;
    }

    /** The kernel caps log prefixes at 29 bytes: the handle's first 28 and a space, as in Guardian. */
    static String logPrefix(String handle) {
        return (handle.length() > 28 ? handle.substring(0, 28) : handle) + " ";
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static String text(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }
}
