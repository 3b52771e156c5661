package io.greenhouse.network;

import io.greenhouse.backend.GardenException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The addresses containers hold, by subnet, with Guardian's rules: without a network spec a
 * container gets the next free /30 of the dynamic range; a spec naming a subnet (outside the
 * dynamic range) is shared by every container naming it, each getting the next free address; a
 * spec naming an address gets exactly that one. The network address, the gateway (the bridge's)
 * and the broadcast address are never given out.
 */
final class SubnetPool {
    static final int DYNAMIC_PREFIX = 30;

    private final Subnet dynamic;
    private final Map<Subnet, Set<Integer>> allocated = new HashMap<>();

    SubnetPool(Subnet dynamic) {
        if (dynamic.prefix() > DYNAMIC_PREFIX) {
            throw new IllegalArgumentException("the network pool " + dynamic + " is smaller than a /30");
        }
        this.dynamic = dynamic;
    }

    record Allocation(Subnet subnet, int address) {
        String addressText() {
            return Subnet.format(address);
        }
    }

    /** How many containers the dynamic range holds: one per /30. */
    int capacity() {
        return (int) Math.min(Integer.MAX_VALUE, dynamic.size() / 4);
    }

    Subnet dynamicRange() {
        return dynamic;
    }

    synchronized Allocation acquire(String spec) {
        if (spec == null || spec.isBlank()) {
            return acquireDynamic();
        }
        String cidr = spec.strip();
        if (!cidr.contains("/")) {
            cidr = cidr + "/30";
        }
        Subnet subnet;
        int requested;
        try {
            subnet = Subnet.parse(cidr);
            requested = Subnet.parseAddress(cidr.substring(0, cidr.indexOf('/')));
        } catch (IllegalArgumentException e) {
            throw new GardenException("invalid network spec '" + spec + "': " + e.getMessage());
        }
        if (subnet.prefix() > DYNAMIC_PREFIX) {
            throw new GardenException("invalid network spec '" + spec + "': a subnet must be a /30 or larger");
        }
        if (subnet.overlaps(dynamic)) {
            throw new GardenException("the requested subnet (" + subnet + ") overlaps the dynamic allocation range ("
                    + dynamic + ")");
        }
        for (Subnet existing : allocated.keySet()) {
            if (existing.overlaps(subnet) && !existing.equals(subnet)) {
                throw new GardenException("the requested subnet (" + subnet + ") overlaps an existing subnet ("
                        + existing + ")");
            }
        }
        Set<Integer> taken = allocated.getOrDefault(subnet, Set.of());
        int address;
        if (requested == subnet.network()) {
            address = firstFree(subnet, taken);
        } else {
            if (requested == subnet.gateway()) {
                throw new GardenException("a container IP must not equal the gateway IP (" + Subnet.format(requested) + ")");
            }
            if (requested == subnet.broadcast()) {
                throw new GardenException("a container IP must not equal the broadcast IP (" + Subnet.format(requested) + ")");
            }
            if (taken.contains(requested)) {
                throw new GardenException("the requested IP is already allocated (" + Subnet.format(requested) + ")");
            }
            address = requested;
        }
        allocated.computeIfAbsent(subnet, s -> new HashSet<>()).add(address);
        return new Allocation(subnet, address);
    }

    private Allocation acquireDynamic() {
        for (long offset = 0; offset < dynamic.size(); offset += 4) {
            Subnet candidate = new Subnet((int) (dynamic.network() + offset), DYNAMIC_PREFIX);
            if (!allocated.containsKey(candidate)) {
                int address = candidate.gateway() + 1;
                allocated.computeIfAbsent(candidate, s -> new HashSet<>()).add(address);
                return new Allocation(candidate, address);
            }
        }
        throw new GardenException("insufficient subnets remaining in the pool " + dynamic);
    }

    private static int firstFree(Subnet subnet, Set<Integer> taken) {
        for (int a = subnet.gateway() + 1; a != subnet.broadcast(); a++) {
            if (!taken.contains(a)) {
                return a;
            }
        }
        throw new GardenException("insufficient IPs remaining in the subnet " + subnet);
    }

    /** Takes back an address a container held before a restart. */
    synchronized void take(Allocation allocation) {
        Set<Integer> taken = allocated.computeIfAbsent(allocation.subnet(), s -> new HashSet<>());
        if (!taken.add(allocation.address())) {
            throw new GardenException("address " + allocation.addressText() + " is already allocated");
        }
    }

    synchronized void release(Allocation allocation) {
        Set<Integer> taken = allocated.get(allocation.subnet());
        if (taken != null && taken.remove(allocation.address()) && taken.isEmpty()) {
            allocated.remove(allocation.subnet());
        }
    }

    synchronized boolean inUse(Subnet subnet) {
        return allocated.containsKey(subnet);
    }

    synchronized boolean holds(int address) {
        return allocated.values().stream().anyMatch(s -> s.contains(address));
    }
}
