package io.greenhouse.network;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerInfo.PortMapping;
import io.greenhouse.backend.ContainerNetwork;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.NetOutRule;
import io.greenhouse.backend.NetworkRequest;
import io.greenhouse.backend.Networker;
import io.greenhouse.linux.HostCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Container networking on a Linux host, in the spirit of Guardian's kawasaki: a host bridge per
 * subnet with the subnet's gateway address, a veth pair per container (the host side on the bridge,
 * {@code eth0} in the container's network namespace), iptables chains of the container's own for
 * its egress rules and port mappings, tc for its bandwidth, and its /etc/hosts and /etc/resolv.conf.
 * Each container's state is saved in its depot directory before anything is made.
 */
public final class LinuxNetworker implements Networker {
    private static final Logger LOG = Logger.getLogger(LinuxNetworker.class.getName());
    static final String STATE_FILE = "network.json";
    /**
     * The state a NetOut is applying, saved before the kernel is touched and removed once the state
     * file has it: found at restore, the apply was cut off by a crash (the kernel may hold the old
     * or the new rules), and restore finishes it.
     */
    static final String PENDING_EGRESS = "network.json.pending";

    private final NetworkConfig config;
    private final Names names;
    private final SubnetPool subnets;
    private final PortPool ports;
    private final FirewallRules firewall;
    private final DnsFiles dns;
    private final Commands commands;
    private final StateFiles states = new StateFiles();
    private final SecureRandom random = new SecureRandom();
    /** The containers this networker connected or restored, by handle; each entry is also its lock. */
    private final Map<String, Entry> known = new ConcurrentHashMap<>();
    /** Bridges are made, joined and removed under this lock, so a bridge is never removed as a container joins it. */
    private final Object links = new Object();
    private boolean hostReady;

    public LinuxNetworker(NetworkConfig config) {
        this(config, new Commands(), Path.of("/run/systemd/resolve/resolv.conf"));
    }

    LinuxNetworker(NetworkConfig config, Commands commands, Path resolvedUpstream) {
        this.config = config;
        this.names = new Names(config.interfacePrefix(), config.chainPrefix());
        this.subnets = new SubnetPool(Subnet.parse(config.pool()));
        this.ports = new PortPool(config.portPoolStart(), config.portPoolSize());
        this.firewall = new FirewallRules(names, config.allow());
        this.dns = new DnsFiles(config.dnsServers(), config.hostResolvConf(), resolvedUpstream);
        this.commands = commands;
    }

    private static final class Entry {
        NetworkState state;

        Entry(NetworkState state) {
            this.state = state;
        }
    }

    /** The address of the interface the host's default route leaves through (empty if none). */
    public static String defaultExternalIp() {
        return HostLinks.defaultRouteAddress();
    }

    @Override
    public int capacity() {
        return subnets.capacity();
    }

    @Override
    public List<BindMount> prepare(String handle, Path containerDirectory) {
        return dns.prepare(containerDirectory);
    }

    @Override
    public ContainerNetwork connect(String handle, NetworkRequest request, int initPid, Path containerDirectory) {
        if (initPid <= 0) {
            throw new GardenException("cannot connect " + handle + ": its init has no pid");
        }
        ensureHost();
        request.netOut().forEach(FirewallRules::matches);
        SubnetPool.Allocation allocation = subnets.acquire(request.network());
        List<PortMapping> mapped = new ArrayList<>();
        NetworkState state = null;
        try {
            if (!allocation.subnet().overlaps(subnets.dynamicRange())) {
                refuseHostRoutes(allocation.subnet());
            }
            for (PortMapping m : request.netIn()) {
                mapped.add(takePort(m.hostPort(), m.containerPort()));
            }
            state = new NetworkState(handle, newId(), allocation.subnet().toString(), allocation.addressText(),
                    config.externalIp(), config.mtu(), mapped, request.netOut(), request.bandwidthRate(),
                    request.bandwidthBurst(), List.of(), -1);
            known.put(handle, new Entry(state));
            states.save(containerDirectory.resolve(STATE_FILE), state);
            makeLinks(state, initPid);
            List<String> servers = dns.write(containerDirectory, handle, state.containerIp(), state.gatewayIp())
                    .stream().filter(LinuxNetworker::isIpv4).toList();
            state = state.withDnsServers(servers);
            state = state.withEgressHead(firewall.egressHead(state).size());
            states.save(containerDirectory.resolve(STATE_FILE), state);
            known.get(handle).state = state;
            check(commands.iptablesRestore(firewall.connect(state)), "setting up the firewall of " + handle);
            limitBandwidth(state, initPid);
            return state.network();
        } catch (RuntimeException e) {
            try {
                if (state != null) {
                    teardown(state);
                }
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            subnets.release(allocation);
            mapped.forEach(m -> ports.release((int) m.hostPort()));
            known.remove(handle);
            deleteState(containerDirectory);
            throw e instanceof GardenException ? e : new GardenException("networking " + handle + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void unplug(String handle, Path containerDirectory) {
        String host = names.hostInterface(entry(handle).state.id());
        synchronized (links) {
            if (HostLinks.exists(host)) {
                check(commands.ipBatch("link del " + host + "\n", false), "unplugging " + handle);
            }
        }
    }

    @Override
    public void replug(String handle, Path containerDirectory, int initPid) {
        NetworkState state = entry(handle).state;
        String host = names.hostInterface(state.id());
        synchronized (links) {
            if (HostLinks.exists(host)) {
                // an earlier replug got this far; the pair goes, so that eth0 lands in this init's namespace
                check(commands.ipBatch("link del " + host + "\n", false), "replugging " + handle);
            }
        }
        makeLinks(state, initPid);
        limitBandwidth(state, initPid);
    }

    /** The container's bandwidth limit, if it has one, on both ends of its veth (a new veth has none). */
    private void limitBandwidth(NetworkState state, int initPid) {
        if (state.bandwidthRate() > 0) {
            check(commands.tcBatch(Bandwidth.limit(names.hostInterface(state.id()), state.bandwidthRate(),
                    state.bandwidthBurst(), state.mtu())), "limiting the bandwidth into " + state.handle());
            check(commands.tcBatchIn(initPid, Bandwidth.limit("eth0", state.bandwidthRate(),
                    state.bandwidthBurst(), state.mtu())), "limiting the bandwidth out of " + state.handle());
        }
    }

    @Override
    public PortMapping netIn(String handle, Path containerDirectory, long hostPort, long containerPort) {
        Entry entry = entry(handle);
        synchronized (entry) {
            PortMapping m = takePort(hostPort, containerPort);
            NetworkState changed = entry.state.withMappedPort(m);
            try {
                states.save(containerDirectory.resolve(STATE_FILE), changed);
                check(commands.iptablesRestore(firewall.addPortMapping(changed, m)), "mapping port " + m.hostPort());
            } catch (RuntimeException e) {
                ports.release((int) m.hostPort());
                states.save(containerDirectory.resolve(STATE_FILE), entry.state);
                throw e;
            }
            entry.state = changed;
            return m;
        }
    }

    @Override
    public void netOut(String handle, Path containerDirectory, List<NetOutRule> rules) {
        rules.forEach(FirewallRules::matches);
        Entry entry = entry(handle);
        synchronized (entry) {
            long started = System.nanoTime();
            NetworkState before = entry.state;
            NetworkState changed = before.withRules(rules);
            String text;
            if (before.egressHead() >= 0) {
                text = firewall.appendEgress(before, rules);
            } else {
                // Saved by a version that did not record the chain's head: rewrite it whole once.
                changed = changed.withEgressHead(firewall.egressHead(changed).size());
                text = firewall.replaceEgress(changed);
            }
            long rendered = System.nanoTime();
            Path pending = containerDirectory.resolve(PENDING_EGRESS);
            states.save(pending, changed);
            try {
                check(commands.iptablesRestore(text), "applying egress rules of " + handle);
            } catch (RuntimeException e) {
                // iptables-restore commits all or nothing: the kernel still has the saved rules
                deleteQuietly(pending);
                throw e;
            }
            long applied = System.nanoTime();
            states.save(containerDirectory.resolve(STATE_FILE), changed);
            deleteQuietly(pending);
            entry.state = changed;
            NetworkState now = changed;
            LOG.info(() -> String.format("%s: %d egress rules (%d new): rendered in %d ms, applied in %d ms, saved in %d ms",
                    handle, now.rules().size(), rules.size(), (rendered - started) / 1_000_000,
                    (applied - rendered) / 1_000_000, (System.nanoTime() - applied) / 1_000_000));
        }
    }

    @Override
    public List<NetOutRule> egressRules(String handle, Path containerDirectory) {
        Entry entry = known.get(handle);
        NetworkState state = entry != null ? entry.state : states.load(containerDirectory.resolve(STATE_FILE)).orElse(null);
        return state == null ? List.of() : state.rules();
    }

    @Override
    public void disconnect(String handle, Path containerDirectory) {
        Entry entry = known.get(handle);
        NetworkState state = entry != null ? entry.state : states.load(containerDirectory.resolve(STATE_FILE)).orElse(null);
        if (state == null) {
            return;
        }
        ensureHost();
        teardown(state);
        if (entry != null) {
            state.mappedPorts().forEach(m -> ports.release((int) m.hostPort()));
        }
        known.remove(handle);
        deleteState(containerDirectory);
    }

    @Override
    public Optional<ContainerNetwork> restore(String handle, Path containerDirectory) {
        Optional<NetworkState> saved = states.load(containerDirectory.resolve(STATE_FILE));
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        ensureHost();
        NetworkState state = finishCutOffNetOut(handle, containerDirectory, saved.get());
        subnets.take(state.allocation());
        for (PortMapping m : state.mappedPorts()) {
            try {
                ports.take((int) m.hostPort());
            } catch (GardenException e) {
                LOG.warning(() -> "container " + handle + " maps host port " + m.hostPort() + " twice");
            }
        }
        known.put(handle, new Entry(state));
        return Optional.of(state.network());
    }

    @Override
    public void prune() {
        ensureHost();
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        Set<String> bridges = new HashSet<>();
        for (Entry e : known.values()) {
            ids.add(e.state.id());
            addresses.add(e.state.containerIp() + "/32");
            bridges.add(names.bridge(e.state.subnetValue()));
        }
        synchronized (links) {
            for (String link : HostLinks.list()) {
                if (names.isHostInterface(link) && !ids.contains(names.idOfHostInterface(link))) {
                    LOG.info(() -> "removing veth " + link + " that no container owns");
                    commands.ipBatch("link del " + link + "\n", true);
                }
            }
            for (String link : HostLinks.list()) {
                if (names.isBridge(link) && !bridges.contains(link) && HostLinks.ports(link).isEmpty()) {
                    LOG.info(() -> "removing bridge " + link + " that no container uses");
                    commands.ipBatch("link del " + link + "\n", true);
                }
            }
        }
        Set<String> deadIds = new HashSet<>();
        for (String rule : listRules("filter", names.containersChain())) {
            String id = names.idOfChain(rule.substring(rule.lastIndexOf(' ') + 1));
            if (id != null && !ids.contains(id)) {
                commands.iptables(deleteRule("filter", rule));
                deadIds.add(id);
            }
        }
        for (String rule : listRules("nat", names.preroutingChain())) {
            String id = names.idOfChain(rule.substring(rule.lastIndexOf(' ') + 1));
            if (id != null && !ids.contains(id)) {
                deadIds.add(id);
            }
        }
        for (String rule : listRules("nat", names.postroutingChain())) {
            String[] f = rule.split(" ");
            if (f.length > 3 && f[2].equals("-s") && rule.endsWith("-j MASQUERADE") && !f[3].startsWith("127.")
                    && !addresses.contains(f[3])) {
                commands.iptables(deleteRule("nat", rule));
            }
        }
        for (String id : deadIds) {
            LOG.info(() -> "removing the iptables chains of dead container " + id);
            firewall.removeChains(id).forEach(commands::iptables);
        }
    }

    private List<String> listRules(String table, String chain) {
        HostCommand.Result r = commands.iptables(List.of("-t", table, "-S", chain));
        if (!r.ok()) {
            return List.of();
        }
        return r.stdout().lines().filter(l -> l.startsWith("-A ")).toList();
    }

    private static List<String> deleteRule(String table, String rule) {
        List<String> args = new ArrayList<>(List.of("-t", table, "-D"));
        args.addAll(List.of(rule.substring(3).split(" ")));
        return args;
    }

    private Entry entry(String handle) {
        Entry e = known.get(handle);
        if (e == null) {
            throw new GardenException("container " + handle + " has no network");
        }
        return e;
    }

    private PortMapping takePort(long hostPort, long containerPort) {
        if (hostPort < 0 || hostPort > 65535 || containerPort < 0 || containerPort > 65535) {
            throw new GardenException("invalid port mapping " + hostPort + ":" + containerPort);
        }
        int host;
        if (hostPort == 0) {
            host = ports.acquire();
        } else {
            host = (int) hostPort;
            ports.take(host);
        }
        return new PortMapping(host, containerPort == 0 ? host : containerPort);
    }

    /** The bridge (made if this is its first container), the veth pair, and eth0's address and route. */
    private void makeLinks(NetworkState s, int pid) {
        String bridge = names.bridge(s.subnetValue());
        String host = names.hostInterface(s.id());
        Subnet subnet = s.subnetValue();
        synchronized (links) {
            StringBuilder batch = new StringBuilder();
            boolean newBridge = !HostLinks.exists(bridge);
            if (newBridge) {
                batch.append("link add ").append(bridge).append(" type bridge\n")
                        .append("addr add ").append(s.gatewayIp()).append('/').append(subnet.prefix())
                        .append(" dev ").append(bridge).append('\n');
            }
            batch.append("link set ").append(bridge).append(" up\n")
                    .append("link add ").append(host).append(" mtu ").append(s.mtu())
                    .append(" type veth peer name eth0 mtu ").append(s.mtu()).append(" netns ").append(pid).append('\n')
                    .append("link set ").append(host).append(" master ").append(bridge).append('\n')
                    .append("link set ").append(host).append(" up\n");
            check(commands.ipBatch(batch.toString(), false), "making the bridge and veth of " + s.handle());
            if (newBridge) {
                // Forwarding on the cell's bridges only: the host as a whole need not forward for
                // containers to reach out; route_localnet lets NetIn's DNAT from 127.0.0.1 out.
                HostLinks.sysctl("net/ipv4/conf/" + bridge + "/forwarding", "1");
                HostLinks.sysctl("net/ipv4/conf/" + bridge + "/route_localnet", "1");
            }
        }
        check(commands.ipBatchIn(pid, "addr add " + s.containerIp() + "/" + subnet.prefix() + " dev eth0\n"
                + "link set lo up\n"
                + "link set eth0 up\n"
                + "route add default via " + s.gatewayIp() + "\n"), "configuring eth0 of " + s.handle());
    }

    /** Removes the container's chains, veth and (if no one else uses it) bridge; tolerates parts missing. */
    private void teardown(NetworkState s) {
        List<String> failures = new ArrayList<>();
        HostCommand.Result restore = commands.iptablesRestore(firewall.disconnect(s));
        if (!restore.ok()) {
            // Part is missing (a create cut short, or removed by hand): remove the rest one by one.
            firewall.disconnectSteps(s).forEach(commands::iptables);
            for (String chain : List.of(names.containerChain(s.id()), names.logChain(s.id()))) {
                if (commands.iptables(List.of("-t", "filter", "-S", chain)).ok()) {
                    failures.add("chain " + chain + " is still there");
                }
            }
            if (commands.iptables(List.of("-t", "nat", "-S", names.natChain(s.id()))).ok()) {
                failures.add("chain " + names.natChain(s.id()) + " is still there");
            }
        }
        String host = names.hostInterface(s.id());
        String bridge = names.bridge(s.subnetValue());
        synchronized (links) {
            if (HostLinks.exists(host)) {
                HostCommand.Result r = commands.ipBatch("link del " + host + "\n", true);
                if (!r.ok() && HostLinks.exists(host)) {
                    failures.add("deleting " + host + ": " + r.message());
                }
            }
            subnets.release(s.allocation());
            if (!subnets.inUse(s.subnetValue()) && HostLinks.exists(bridge) && HostLinks.ports(bridge).isEmpty()) {
                HostCommand.Result r = commands.ipBatch("link del " + bridge + "\n", true);
                if (!r.ok() && HostLinks.exists(bridge)) {
                    failures.add("deleting " + bridge + ": " + r.message());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new GardenException("removing the network of " + s.handle() + ": " + String.join("; ", failures));
        }
    }

    /** Makes the cell's own chains and their jumps from the built-in ones, once; keeps containers' jumps. */
    private synchronized void ensureHost() {
        if (hostReady) {
            return;
        }
        if (config.ipForward()) {
            HostLinks.sysctl("net/ipv4/ip_forward", "1");
        }
        check(commands.iptablesRestore(new HostChains(names, config.allowHostAccess()).rules(this::chainRules)),
                "setting up the cell's iptables chains");
        hostReady = true;
    }

    /** The rules of a chain as iptables -S lists them, or null if there is no such chain. */
    private List<String> chainRules(String table, String chain) {
        HostCommand.Result r = commands.iptables(List.of("-t", table, "-S", chain));
        return r.ok() ? r.stdout().lines().toList() : null;
    }

    /** A subnet named in a spec must not take over addresses the host already routes elsewhere. */
    private void refuseHostRoutes(Subnet subnet) {
        for (HostLinks.Route route : HostLinks.routes()) {
            if (route.subnet().prefix() > 0 && route.subnet().overlaps(subnet) && !names.isBridge(route.device())) {
                throw new GardenException("the requested subnet (" + subnet + ") overlaps " + route.subnet()
                        + ", which the host routes through " + route.device());
            }
        }
    }

    private String newId() {
        Set<String> used = new HashSet<>();
        known.values().forEach(e -> used.add(e.state.id()));
        while (true) {
            String id = String.format("%08x", random.nextInt());
            if (!used.contains(id) && !HostLinks.exists(names.hostInterface(id))) {
                return id;
            }
        }
    }

    private static boolean isIpv4(String address) {
        try {
            Subnet.parseAddress(address);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void check(HostCommand.Result r, String what) {
        if (!r.ok()) {
            throw new GardenException(what + " failed: " + r.message());
        }
    }

    /** A NetOut cut off by a crash left its pending state: the kernel gets those rules whole, then the state file. */
    private NetworkState finishCutOffNetOut(String handle, Path containerDirectory, NetworkState saved) {
        Path pending = containerDirectory.resolve(PENDING_EGRESS);
        if (!Files.exists(pending)) {
            return saved;
        }
        NetworkState state = states.load(pending).orElse(saved);
        LOG.warning(() -> "the egress rules of " + handle + " were being applied when the server stopped;"
                + " applying all " + state.rules().size() + " again");
        check(commands.iptablesRestore(firewall.replaceEgress(state)), "applying egress rules of " + handle);
        states.save(containerDirectory.resolve(STATE_FILE), state);
        deleteQuietly(pending);
        return state;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing " + file, e);
        }
    }

    private static void deleteState(Path containerDirectory) {
        try {
            Files.deleteIfExists(containerDirectory.resolve(PENDING_EGRESS));
            Files.deleteIfExists(containerDirectory.resolve(STATE_FILE));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing " + containerDirectory.resolve(STATE_FILE), e);
        }
    }
}
