package io.greenhouse.network;

/**
 * Names of what the cell makes on the host, all starting with its prefixes so that several cells
 * can share a host and leftovers can be told apart: Linux caps interface names at 15 bytes and
 * iptables chain names at 28.
 */
record Names(String interfacePrefix, String chainPrefix) {

    String hostInterface(String id) {
        return interfacePrefix + id;
    }

    String bridge(Subnet subnet) {
        return interfacePrefix + "b" + String.format("%08x", subnet.network());
    }

    /** Matches every interface of the cell, for iptables' -i/-o. */
    String interfaces() {
        return interfacePrefix + "+";
    }

    boolean isHostInterface(String name) {
        return name.length() == interfacePrefix.length() + 8 && name.startsWith(interfacePrefix)
                && name.substring(interfacePrefix.length()).matches("[0-9a-f]{8}");
    }

    boolean isBridge(String name) {
        return name.length() == interfacePrefix.length() + 9 && name.startsWith(interfacePrefix + "b")
                && name.substring(interfacePrefix.length() + 1).matches("[0-9a-f]{8}");
    }

    String idOfHostInterface(String name) {
        return name.substring(interfacePrefix.length());
    }

    String forwardChain() {
        return chainPrefix + "-forward";
    }

    String containersChain() {
        return chainPrefix + "-containers";
    }

    String inputChain() {
        return chainPrefix + "-input";
    }

    String preroutingChain() {
        return chainPrefix + "-prerouting";
    }

    String postroutingChain() {
        return chainPrefix + "-postrouting";
    }

    String containerChain(String id) {
        return chainPrefix + "-c-" + id;
    }

    String logChain(String id) {
        return containerChain(id) + "-log";
    }

    String natChain(String id) {
        return chainPrefix + "-n-" + id;
    }

    /** The container id in a chain name of ours ("greenhouse-c-1a2b3c4d"), or null. */
    String idOfChain(String chain) {
        for (String prefix : new String[] {chainPrefix + "-c-", chainPrefix + "-n-"}) {
            if (chain.startsWith(prefix)) {
                String rest = chain.substring(prefix.length());
                if (rest.endsWith("-log")) {
                    rest = rest.substring(0, rest.length() - 4);
                }
                return rest.matches("[0-9a-f]{8}") ? rest : null;
            }
        }
        return null;
    }
}
