package io.greenhouse.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Networker} does, the real one and the test double alike: each passes these
 * tests, so the double GardenBackendTest uses cannot drift from the real thing. Networks are
 * made for a pool of two containers.
 */
public abstract class NetworkerContract {
    @TempDir
    protected Path depot;
    private Networker networker;

    /** A networker whose pool holds {@code capacity} containers (in 10.254.x, /30 each). */
    protected abstract Networker networker(int capacity);

    /** A new instance, as after a restart of the server, that sees what {@code previous} saved. */
    protected abstract Networker restarted(Networker previous);

    /** The pid of a process with a network namespace of its own, standing in for a container's init. */
    protected abstract int initPid();

    /** Removes whatever the test's init processes are. */
    protected void stopInits() {
    }

    @BeforeEach
    void make() {
        networker = networker(2);
    }

    @AfterEach
    void stop() {
        stopInits();
    }

    private Path dir(String handle) {
        Path d = depot.resolve(handle);
        d.toFile().mkdirs();
        return d;
    }

    private ContainerNetwork connect(String handle, String network) {
        networker.prepare(handle, dir(handle));
        return networker.connect(handle, new NetworkRequest(network, List.of(), List.of(), 0, 0), initPid(), dir(handle));
    }

    @Test
    void preparesHostsAndResolvConfMountsInTheContainerDirectory() {
        List<BindMount> mounts = networker.prepare("c1", dir("c1"));
        assertEquals(List.of("/etc/hosts", "/etc/resolv.conf"), mounts.stream().map(BindMount::destinationPath).toList());
        mounts.forEach(m -> assertTrue(Path.of(m.sourcePath()).startsWith(dir("c1")), m.sourcePath()));
        mounts.forEach(m -> assertTrue(m.readWrite()));
        assertEquals(mounts, networker.prepare("c1", dir("c1")));
    }

    @Test
    void containersGetDistinctAddressesWithTheGatewayAsHostIp() {
        ContainerNetwork a = connect("a", "");
        ContainerNetwork b = connect("b", "");
        assertNotEquals(a.containerIp(), b.containerIp());
        assertTrue(a.containerIp().startsWith("10.254."), a.containerIp());
        assertNotEquals(a.hostIp(), a.containerIp());
        assertTrue(!a.externalIp().isEmpty());
        assertEquals(List.of(), a.mappedPorts());
        networker.disconnect("a", dir("a"));
        networker.disconnect("b", dir("b"));
    }

    @Test
    void aFullPoolRefusesClearlyAndDisconnectFreesTheAddress() {
        connect("a", "");
        connect("b", "");
        GardenException e = assertThrows(GardenException.class, () -> connect("c", ""));
        assertTrue(e.getMessage().contains("insufficient"), e.getMessage());
        networker.disconnect("a", dir("a"));
        connect("c", "");
        networker.disconnect("b", dir("b"));
        networker.disconnect("c", dir("c"));
    }

    @Test
    void anExactAddressIsHonouredAndRefusedWhenTaken() {
        ContainerNetwork a = connect("a", "10.254.201.2/30");
        assertEquals("10.254.201.2", a.containerIp());
        assertEquals("10.254.201.1", a.hostIp());
        GardenException e = assertThrows(GardenException.class, () -> connect("b", "10.254.201.2/30"));
        assertTrue(e.getMessage().contains("already allocated"), e.getMessage());
        networker.disconnect("a", dir("a"));
    }

    @Test
    void disconnectIsSafeWhenNothingOrItAllIsGone() {
        networker.disconnect("never", dir("never"));
        connect("a", "");
        networker.disconnect("a", dir("a"));
        networker.disconnect("a", dir("a"));
    }

    @Test
    void netInTakesPortsFromThePoolAndDefaultsTheContainerPort() {
        connect("a", "");
        ContainerInfo.PortMapping m = networker.netIn("a", dir("a"), 0, 8080);
        assertTrue(m.hostPort() >= 61001, "from the pool: " + m.hostPort());
        assertEquals(8080, m.containerPort());
        ContainerInfo.PortMapping same = networker.netIn("a", dir("a"), 62999, 0);
        assertEquals(new ContainerInfo.PortMapping(62999, 62999), same);
        assertThrows(GardenException.class, () -> networker.netIn("a", dir("a"), 62999, 80));
        networker.disconnect("a", dir("a"));
    }

    @Test
    void netInAndNetOutNeedAConnectedContainer() {
        assertThrows(GardenException.class, () -> networker.netIn("ghost", dir("ghost"), 0, 80));
        assertThrows(GardenException.class, () -> networker.netOut("ghost", dir("ghost"), List.of(allTcp())));
    }

    @Test
    void portsAreRefusedForProtocolsWithoutPorts() {
        connect("a", "");
        NetOutRule bad = new NetOutRule(NetOutRule.Protocol.ALL, List.of(),
                List.of(new NetOutRule.PortRange(80, 80)), null, false);
        assertThrows(GardenException.class, () -> networker.netOut("a", dir("a"), List.of(bad)));
        networker.netOut("a", dir("a"), List.of(allTcp()));
        networker.disconnect("a", dir("a"));
    }

    @Test
    void aRestartedNetworkerRestoresAddressesAndPortsFromTheSavedState() {
        ContainerNetwork a = connect("a", "");
        ContainerInfo.PortMapping m = networker.netIn("a", dir("a"), 0, 8080);
        Networker after = restarted(networker);
        ContainerNetwork restored = after.restore("a", dir("a")).orElseThrow();
        assertEquals(a.withMappedPort(m), restored);
        assertTrue(after.restore("never", dir("never")).isEmpty());
        networker = after;
        ContainerNetwork b = connect("b", "");
        assertNotEquals(a.containerIp(), b.containerIp());
        assertThrows(GardenException.class, () -> after.netIn("b", dir("b"), m.hostPort(), 80));
        after.disconnect("a", dir("a"));
        after.disconnect("b", dir("b"));
    }

    private static NetOutRule allTcp() {
        return new NetOutRule(NetOutRule.Protocol.TCP, List.of(new NetOutRule.IpRange("10.254.203.1", "")),
                List.of(new NetOutRule.PortRange(8080, 8081)), null, false);
    }
}
