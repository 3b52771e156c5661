package io.greenhouse.network;

import java.util.ArrayList;
import java.util.List;

/**
 * The cell's own iptables chains and their jumps from the built-in chains, as iptables-restore
 * input. The chains without container state (forward, input) are rebuilt on every start; the ones
 * holding containers' jumps (containers, prerouting, postrouting) are made only when missing, so
 * a restart keeps running containers' rules.
 *
 * <ul>
 *   <li>filter FORWARD, from or to a cell interface: replies pass; a container's packets go to its
 *       own chain (through {@code -containers}); NetIn's DNATed connections into containers pass;
 *       anything else is rejected.</li>
 *   <li>filter INPUT from a container: replies and DNS pass; connections to the host itself only
 *       when host access is allowed.</li>
 *   <li>nat PREROUTING and OUTPUT to a local address: the containers' port mappings; POSTROUTING:
 *       masquerading of container egress and of NetIn connections from 127.0.0.1.</li>
 * </ul>
 */
final class HostChains {
    /** The rules of a chain as {@code iptables -S} lists them, or null when there is no such chain. */
    interface Lookup {
        List<String> rules(String table, String chain);
    }

    private final Names names;
    private final boolean allowHostAccess;

    HostChains(Names names, boolean allowHostAccess) {
        this.names = names;
        this.allowHostAccess = allowHostAccess;
    }

    String rules(Lookup lookup) {
        String ifs = names.interfaces();
        List<String> out = new ArrayList<>();
        out.add("*filter");
        out.add(":" + names.forwardChain() + " - [0:0]");
        out.add(":" + names.inputChain() + " - [0:0]");
        if (lookup.rules("filter", names.containersChain()) == null) {
            out.add(":" + names.containersChain() + " - [0:0]");
        }
        String fwd = names.forwardChain();
        out.add("-A " + fwd + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        out.add("-A " + fwd + " -j " + names.containersChain());
        out.add("-A " + fwd + " -o " + ifs + " -m conntrack --ctstate DNAT -j ACCEPT");
        out.add("-A " + fwd + " -j REJECT --reject-with icmp-port-unreachable");
        String in = names.inputChain();
        out.add("-A " + in + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        out.add("-A " + in + " -p udp -m udp --dport 53 -j ACCEPT");
        out.add("-A " + in + " -p tcp -m tcp --dport 53 -j ACCEPT");
        out.add("-A " + in + (allowHostAccess ? " -j ACCEPT" : " -j REJECT --reject-with icmp-host-prohibited"));
        hook(out, lookup, "filter", "FORWARD", "-i " + ifs + " -j " + fwd);
        hook(out, lookup, "filter", "FORWARD", "-o " + ifs + " -j " + fwd);
        hook(out, lookup, "filter", "INPUT", "-i " + ifs + " -j " + in);
        out.add("COMMIT");
        out.add("*nat");
        if (lookup.rules("nat", names.preroutingChain()) == null) {
            out.add(":" + names.preroutingChain() + " - [0:0]");
        }
        if (lookup.rules("nat", names.postroutingChain()) == null) {
            out.add(":" + names.postroutingChain() + " - [0:0]");
            out.add("-A " + names.postroutingChain() + " -s 127.0.0.0/8 -o " + ifs + " -j MASQUERADE");
        }
        hook(out, lookup, "nat", "PREROUTING", "-m addrtype --dst-type LOCAL -j " + names.preroutingChain());
        hook(out, lookup, "nat", "OUTPUT", "-m addrtype --dst-type LOCAL -j " + names.preroutingChain());
        hook(out, lookup, "nat", "POSTROUTING", "-j " + names.postroutingChain());
        out.add("COMMIT");
        return String.join("\n", out) + "\n";
    }

    /** Inserts the jump first in the built-in chain unless it is there already. */
    private static void hook(List<String> out, Lookup lookup, String table, String builtin, String rule) {
        List<String> existing = lookup.rules(table, builtin);
        if (existing == null || !existing.contains("-A " + builtin + " " + rule)) {
            out.add("-I " + builtin + " 1 " + rule);
        }
    }
}
