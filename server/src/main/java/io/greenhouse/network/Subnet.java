package io.greenhouse.network;

/**
 * An IPv4 network, a.b.c.d/n with the host bits clear. Addresses are ints (unsigned arithmetic);
 * as in Guardian the first address after the network's is the gateway (the host's bridge).
 */
record Subnet(int network, int prefix) {

    Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("bad prefix length " + prefix);
        }
        network &= mask(prefix);
    }

    /** "10.254.0.0/22"; an address without a prefix length is a /32. */
    static Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        int prefix = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1).strip());
        return new Subnet(parseAddress(slash < 0 ? cidr : cidr.substring(0, slash)), prefix);
    }

    static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    long size() {
        return 1L << (32 - prefix);
    }

    int gateway() {
        return network + 1;
    }

    int broadcast() {
        return network | ~mask(prefix);
    }

    boolean contains(int address) {
        return (address & mask(prefix)) == network;
    }

    boolean overlaps(Subnet other) {
        int common = Math.min(prefix, other.prefix);
        return (network & mask(common)) == (other.network & mask(common));
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }

    static int parseAddress(String text) {
        String[] parts = text.strip().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            address = address << 8 | octet;
        }
        return address;
    }

    static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 255) + "." + (address >>> 8 & 255) + "." + (address & 255);
    }
}
