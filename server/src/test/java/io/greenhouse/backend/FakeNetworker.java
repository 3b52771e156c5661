package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A networker in memory: /30s of 10.254.0.0 handed out in turn, or an exact address asked for;
 * what it "saves" in a container's directory lives in a map a restarted instance can share.
 * Passes {@link NetworkerContract} like the real one.
 */
final class FakeNetworker implements Networker {
    final Map<Path, ContainerNetwork> saved;
    final Map<String, ContainerNetwork> connected = new LinkedHashMap<>();
    final Map<String, List<NetOutRule>> rules = new HashMap<>();
    private final Set<Long> ports = new HashSet<>();
    private final int capacity;
    private long nextPort = 61001;
    RuntimeException connectFailure;
    /** "unplug HANDLE" and "replug HANDLE PID", in order. */
    final List<String> plugs = new java.util.ArrayList<>();

    @Override
    public void unplug(String handle, Path containerDirectory) {
        plugs.add("unplug " + handle);
    }

    @Override
    public void replug(String handle, Path containerDirectory, int initPid) {
        plugs.add("replug " + handle + " " + initPid);
    }

    FakeNetworker(int capacity) {
        this(capacity, new HashMap<>());
    }

    FakeNetworker(int capacity, Map<Path, ContainerNetwork> saved) {
        this.capacity = capacity;
        this.saved = saved;
    }

    @Override
    public List<BindMount> prepare(String handle, Path containerDirectory) {
        return List.of(new BindMount(containerDirectory.resolve("hosts").toString(), "/etc/hosts", true, false),
                new BindMount(containerDirectory.resolve("resolv.conf").toString(), "/etc/resolv.conf", true, false));
    }

    @Override
    public ContainerNetwork connect(String handle, NetworkRequest request, int initPid, Path containerDirectory) {
        if (connectFailure != null) {
            throw connectFailure;
        }
        request.netOut().forEach(FakeNetworker::validate);
        String ip;
        String gateway;
        if (request.network().isEmpty()) {
            int slot = 0;
            while (slot < capacity && taken("10.254.0." + (slot * 4 + 2))) {
                slot++;
            }
            if (slot == capacity) {
                throw new GardenException("insufficient subnets remaining in the pool");
            }
            ip = "10.254.0." + (slot * 4 + 2);
            gateway = "10.254.0." + (slot * 4 + 1);
        } else {
            String[] parts = request.network().split("/")[0].split("\\.");
            ip = String.join(".", parts);
            gateway = parts[0] + "." + parts[1] + "." + parts[2] + "." + ((Integer.parseInt(parts[3]) & ~3) + 1);
            if (taken(ip)) {
                throw new GardenException("the requested IP is already allocated (" + ip + ")");
            }
        }
        ContainerNetwork network = new ContainerNetwork(gateway, ip, "192.0.2.2", List.of());
        connected.put(handle, network);
        saved.put(containerDirectory, network);
        try {
            for (ContainerInfo.PortMapping m : request.netIn()) {
                netIn(handle, containerDirectory, m.hostPort(), m.containerPort());
            }
        } catch (RuntimeException e) {
            disconnect(handle, containerDirectory);
            throw e;
        }
        return connected.get(handle);
    }

    private boolean taken(String ip) {
        return connected.values().stream().anyMatch(n -> n.containerIp().equals(ip));
    }

    @Override
    public ContainerInfo.PortMapping netIn(String handle, Path containerDirectory, long hostPort, long containerPort) {
        ContainerNetwork network = known(handle);
        long host = hostPort == 0 ? nextPort++ : hostPort;
        if (!ports.add(host)) {
            throw new GardenException("port already acquired: " + host);
        }
        ContainerInfo.PortMapping m = new ContainerInfo.PortMapping(host, containerPort == 0 ? host : containerPort);
        connected.put(handle, network.withMappedPort(m));
        saved.put(containerDirectory, connected.get(handle));
        return m;
    }

    @Override
    public void netOut(String handle, Path containerDirectory, List<NetOutRule> newRules) {
        known(handle);
        newRules.forEach(FakeNetworker::validate);
        rules.computeIfAbsent(handle, h -> new java.util.ArrayList<>()).addAll(newRules);
    }

    private static void validate(NetOutRule rule) {
        boolean portsAllowed = rule.protocol() == NetOutRule.Protocol.TCP || rule.protocol() == NetOutRule.Protocol.UDP;
        if (!rule.ports().isEmpty() && !portsAllowed) {
            throw new GardenException("Ports cannot be specified for Protocol " + rule.protocol());
        }
    }

    private ContainerNetwork known(String handle) {
        ContainerNetwork n = connected.get(handle);
        if (n == null) {
            throw new GardenException("container " + handle + " has no network");
        }
        return n;
    }

    @Override
    public void disconnect(String handle, Path containerDirectory) {
        ContainerNetwork n = connected.remove(handle);
        if (n != null) {
            n.mappedPorts().forEach(m -> ports.remove(m.hostPort()));
        }
        rules.remove(handle);
        saved.remove(containerDirectory);
    }

    @Override
    public Optional<ContainerNetwork> restore(String handle, Path containerDirectory) {
        ContainerNetwork n = saved.get(containerDirectory);
        if (n == null) {
            return Optional.empty();
        }
        connected.put(handle, n);
        n.mappedPorts().forEach(m -> ports.add(m.hostPort()));
        return Optional.of(n);
    }

    @Override
    public void prune() {
    }

    @Override
    public int capacity() {
        return capacity;
    }
}
