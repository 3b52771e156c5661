package io.greenhouse.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DnsFilesTest {
    @TempDir
    Path dir;

    private DnsFiles files(String hostResolv, String upstream) throws Exception {
        Path host = dir.resolve("host-resolv.conf");
        Files.writeString(host, hostResolv);
        Path up = dir.resolve("upstream.conf");
        Files.deleteIfExists(up);
        if (upstream != null) {
            Files.writeString(up, upstream);
        }
        return new DnsFiles(List.of(), host, up);
    }

    @Test
    void hostsMapsLocalhostAndTheHandleTail() {
        assertEquals("127.0.0.1 localhost\n10.254.0.2 web\n", DnsFiles.hosts("web", "10.254.0.2"));
        String longHandle = "x".repeat(10) + "y".repeat(49);
        assertEquals("127.0.0.1 localhost\n10.254.0.2 " + "y".repeat(49) + "\n", DnsFiles.hosts(longHandle, "10.254.0.2"));
    }

    @Test
    void configuredServersWin() {
        assertEquals(List.of("nameserver 1.1.1.1", "nameserver 9.9.9.9"),
                new DnsFiles(List.of("1.1.1.1", "9.9.9.9"), dir.resolve("none"), null).resolvConf("10.254.0.1"));
    }

    @Test
    void theHostsServersAreKeptWithoutLoopbackOnes() throws Exception {
        assertEquals(List.of("search example.internal", "nameserver 10.0.0.53", "options ndots:1"),
                files("# comment\nsearch example.internal\nnameserver 127.0.0.53\nnameserver 10.0.0.53\noptions ndots:1\n", null)
                        .resolvConf("10.254.0.1"));
    }

    @Test
    void aLoopbackStubIsReplacedByItsUpstreamServersOrElseTheGateway() throws Exception {
        assertEquals(List.of("nameserver 10.0.0.2"),
                files("nameserver 127.0.0.53\n", "nameserver 10.0.0.2\nnameserver 127.0.0.1\n").resolvConf("10.254.0.1"));
        assertEquals(List.of("nameserver 10.254.0.1"), files("nameserver 127.0.0.53\n", null).resolvConf("10.254.0.1"));
    }

    @Test
    void theFilesAreMadeOnceRootWritableAndFilledInPlace() throws Exception {
        DnsFiles dns = new DnsFiles(List.of("10.0.0.53"), dir.resolve("none"), null);
        var mounts = dns.prepare(dir);
        assertEquals(List.of("/etc/hosts", "/etc/resolv.conf"), mounts.stream().map(m -> m.destinationPath()).toList());
        Path hosts = dir.resolve("hosts");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(hosts)));
        Object inode = Files.getAttribute(hosts, "unix:ino");
        assertEquals(List.of("10.0.0.53"), dns.write(dir, "web", "10.254.0.2", "10.254.0.1"));
        assertEquals(inode, Files.getAttribute(hosts, "unix:ino"));
        assertEquals("nameserver 10.0.0.53\n", Files.readString(dir.resolve("resolv.conf")));
        dns.prepare(dir);
        assertEquals("127.0.0.1 localhost\n10.254.0.2 web\n", Files.readString(hosts));
    }
}
