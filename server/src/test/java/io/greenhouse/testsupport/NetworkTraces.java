package io.greenhouse.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * What containers' networks of one cell leave on the host: interfaces (bridges, veths) with its
 * interface prefix, iptables rules and chains of its chain prefix beyond the cell's fixed ones,
 * and qdiscs on its interfaces. Empty when nothing leaked.
 */
public record NetworkTraces(String interfacePrefix, String chainPrefix) {

    public static NetworkTraces of(String interfacePrefix, String chainPrefix) {
        return new NetworkTraces(interfacePrefix, chainPrefix);
    }

    public List<String> leftovers() {
        List<String> found = new ArrayList<>();
        for (String link : HostTraces.children(java.nio.file.Path.of("/sys/class/net")).stream()
                .map(p -> p.getFileName().toString()).toList()) {
            if (link.startsWith(interfacePrefix) && link.length() > interfacePrefix.length()
                    && link.substring(interfacePrefix.length()).matches("b?[0-9a-f]{8}")) {
                found.add("link " + link);
            }
        }
        for (String table : List.of("filter", "nat")) {
            for (String line : HostTraces.run("iptables-save", "-t", table).lines().toList()) {
                // A container's own chains, and any rule naming a container's chain or address.
                if (line.startsWith(":" + chainPrefix + "-c-") || line.startsWith(":" + chainPrefix + "-n-")
                        || line.startsWith("-A ") && (line.contains(" " + chainPrefix + "-c-")
                        || line.contains(" " + chainPrefix + "-n-")
                        || line.startsWith("-A " + chainPrefix + "-postrouting -s ") && !line.contains(" -s 127.0.0.0/8 "))) {
                    found.add(table + ": " + line);
                }
            }
        }
        for (String line : HostTraces.run("tc", "qdisc", "show").lines().toList()) {
            if (line.contains(" dev " + interfacePrefix) && !line.contains(" noqueue ")) {
                found.add("qdisc " + line);
            }
        }
        return found;
    }

    /** Removes a cell's own chains and their jumps (what a cell keeps between runs), for tests that made one. */
    public void removeCellChains() {
        String p = chainPrefix;
        String ifs = interfacePrefix + "+";
        List<List<String>> steps = List.of(
                List.of("-D", "FORWARD", "-i", ifs, "-j", p + "-forward"),
                List.of("-D", "FORWARD", "-o", ifs, "-j", p + "-forward"),
                List.of("-D", "INPUT", "-i", ifs, "-j", p + "-input"),
                List.of("-F", p + "-forward"), List.of("-X", p + "-forward"),
                List.of("-F", p + "-input"), List.of("-X", p + "-input"),
                List.of("-F", p + "-containers"), List.of("-X", p + "-containers"),
                List.of("-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", p + "-prerouting"),
                List.of("-t", "nat", "-D", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", p + "-prerouting"),
                List.of("-t", "nat", "-D", "POSTROUTING", "-j", p + "-postrouting"),
                List.of("-t", "nat", "-F", p + "-prerouting"), List.of("-t", "nat", "-X", p + "-prerouting"),
                List.of("-t", "nat", "-F", p + "-postrouting"), List.of("-t", "nat", "-X", p + "-postrouting"));
        for (List<String> step : steps) {
            List<String> command = new ArrayList<>(List.of("iptables", "-w"));
            command.addAll(step);
            HostTraces.run(command.toArray(String[]::new));
        }
    }
}
