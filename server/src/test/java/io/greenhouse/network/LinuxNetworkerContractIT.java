package io.greenhouse.network;

import io.greenhouse.backend.Networker;
import io.greenhouse.backend.NetworkerContract;
import io.greenhouse.testsupport.NetworkTraces;
import io.greenhouse.testsupport.HostTraces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real networker passes the networker contract, on this host: real bridges, veths, iptables
 * chains, with processes in network namespaces of their own (unshare) standing in for inits. Its
 * pool, interface and chain prefixes are its own; it leaves nothing behind.
 */
class LinuxNetworkerContractIT extends NetworkerContract {
    static final String PREFIX = "ghct";
    private final List<Process> inits = new ArrayList<>();

    static NetworkConfig config(String pool) {
        return new NetworkConfig(pool, 1500, "127.0.0.2", 62001, 100, List.of("127.0.0.1"), List.of(), false,
                PREFIX, PREFIX, false, Path.of("/etc/resolv.conf"));
    }

    @Override
    protected Networker networker(int capacity) {
        return new LinuxNetworker(config(capacity == 2 ? "10.254.200.0/29" : "10.254.200.0/24"));
    }

    @Override
    protected Networker restarted(Networker previous) {
        return new LinuxNetworker(config("10.254.200.0/29"));
    }

    @Override
    protected int initPid() {
        try {
            Process p = new ProcessBuilder("unshare", "--net", "sleep", "600").start();
            inits.add(p);
            return (int) p.pid();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void stopInits() {
        for (Process p : inits) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterEach
    void nothingLeaks() {
        assertEquals(List.of(), NetworkTraces.of(PREFIX, PREFIX).leftovers());
    }

    @AfterAll
    static void removeTheCellsChains() {
        NetworkTraces.of(PREFIX, PREFIX).removeCellChains();
        assertEquals("", HostTraces.run("sh", "-c", "iptables-save | grep " + PREFIX + " || true"));
    }
}
