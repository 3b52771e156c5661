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
        return found;
    }
}
