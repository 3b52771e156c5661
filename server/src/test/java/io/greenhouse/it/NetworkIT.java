package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static io.greenhouse.it.ProcessIT.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Container networking with real bridges, veths, iptables and namespaces. Traffic only ever goes
 * between the host, the cell's containers and namespaces the tests make (10.254.120-127.x): the
 * egress guard drops anything forwarded out of the default-route interface meanwhile.
 */
class NetworkIT extends CellTestSupport {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The build waits for the server, not the application, which a loaded host may start minutes later. */
    @BeforeAll
    static void awaitTheCell() {
        new TestCell().awaitReady(Duration.ofMinutes(10));
    }

    private JsonObject info(String handle) {
        return cell.client.info(handle);
    }

    private String ip(String handle) {
        return info(handle).getString("ContainerIP");
    }

    private ProcessStreams run(String handle, JsonObjectBuilder spec, int expectedExit) {
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(handle, spec.build(), io);
        assertEquals(expectedExit, p.await(WAIT), () -> "stdout: " + io.stdoutText() + " stderr: " + io.stderrText());
        return io;
    }

    private void serveInContainer(String handle, int port, String reply) {
        cell.client.run(handle, sh("nc -ll -p " + port + " -e echo " + reply).build(), ProcessStreams.collecting());
    }

    /** Whether an IPv4 address lies in a CIDR block. */
    private static boolean inSubnet(String address, String cidr) {
        int slash = cidr.indexOf('/');
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return (ipv4(address) & mask) == (ipv4(cidr.substring(0, slash)) & mask);
    }

    private static long ipv4(String address) {
        long value = 0;
        for (String part : address.split("\\.")) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    /** The first line a TCP server at the address answers, retried while the server starts. */
    static String firstLine(String host, long port) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, (int) port), 2000);
                s.setSoTimeout(5000);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if (line != null) {
                    return line;
                }
            } catch (IOException e) {
                last = e;
            }
            TestCell.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("no answer from " + host + ":" + port, last);
    }

    private static JsonObjectBuilder tcpRule(String address, int port) {
        return Json.createObjectBuilder().add("protocol", 1)
                .add("networks", Json.createArrayBuilder().add(Json.createObjectBuilder().add("start", address).add("end", address)))
                .add("ports", Json.createArrayBuilder().add(Json.createObjectBuilder().add("start", port).add("end", port)));
    }

    private String networkId(String handle) throws IOException {
        String state = Files.readString(cell.depot.resolve(handle).resolve("network.json"));
        try (var r = Json.createReader(new java.io.StringReader(state))) {
            return r.readObject().getString("id");
        }
    }

    @Test
    void theHostReachesAContainerByItsAddressAndThroughNetInOnTheExternalIpAndLoopback() {
        cell.client.create("web");
        JsonObject info = info("web");
        String containerIp = info.getString("ContainerIP");
        String pool = cell.settings.network().pool();
        assertTrue(inSubnet(containerIp, pool), "from the test cell's pool " + pool + ": " + containerIp);
        assertNotEquals(containerIp, info.getString("HostIP"));
        String external = info.getString("ExternalIP");
        assertTrue(!external.isEmpty());
        serveInContainer("web", 8080, "hallo");
        assertEquals("hallo", firstLine(containerIp, 8080));

        JsonObject mapping = cell.client.netIn("web", 0, 8080);
        long hostPort = mapping.getJsonNumber("host_port").longValue();
        assertEquals(8080, mapping.getJsonNumber("container_port").longValue());
        int poolStart = cell.settings.network().portPoolStart();
        assertTrue(hostPort >= poolStart && hostPort < poolStart + cell.settings.network().portPoolSize(),
                "from the test cell's port pool: " + hostPort);
        assertEquals("hallo", firstLine(external, hostPort));
        assertEquals("hallo", firstLine("127.0.0.1", hostPort));
        JsonObject ports = info("web").getJsonArray("MappedPorts").getJsonObject(0);
        assertEquals(hostPort, ports.getJsonNumber("HostPort").longValue());
        assertEquals(8080, ports.getJsonNumber("ContainerPort").longValue());
        assertEquals(containerIp, cell.client.properties("web").getString("garden.network.container-ip"));
    }

    @Test
    void netInInTheCreateSpecMapsAtCreateAndAZeroContainerPortMeansTheHostPort() {
        cell.client.create(Json.createObjectBuilder().add("handle", "spec-in")
                .add("netin", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("host_port", 63999).add("container_port", 8080))
                        .add(Json.createObjectBuilder().add("host_port", 63998)))
                .build());
        serveInContainer("spec-in", 8080, "eighty");
        serveInContainer("spec-in", 63998, "same");
        assertEquals("eighty", firstLine("127.0.0.1", 63999));
        assertEquals("same", firstLine("127.0.0.1", 63998));
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.netIn("spec-in", 63999, 1));
        assertTrue(e.getMessage().contains("already"), e.getMessage());
    }

    @Test
    void egressIsDeniedByDefaultAndAllowedByARuleTowardsATestNamespace() {
        try (TestNamespace ns = new TestNamespace("ghtn0", "10.254.120")) {
            ns.serve(9000, "reached");
            cell.client.create("out");
            String dial = "nc -w 3 " + ns.ip + " 9000 </dev/null";
            run("out", sh(dial), 1);
            cell.client.netOut("out", tcpRule(ns.ip, 9000).build());
            TestCell.eventually(WAIT, () -> {
                ProcessStreams io = ProcessStreams.collecting();
                return cell.client.run("out", sh(dial).build(), io).await(WAIT) == 0;
            });
            assertTrue(run("out", sh(dial), 0).stdoutText().contains("reached"));
            // Other ports of the same address stay closed.
            run("out", sh("nc -w 3 " + ns.ip + " 9001 </dev/null"), 1);
        }
    }

    @Test
    void aBulkOfThreeThousandRulesIsOneFastTransactionAndLogRulesLog() throws IOException {
        try (TestNamespace ns = new TestNamespace("ghtn1", "10.254.121")) {
            ns.serve(9000, "bulk");
            cell.client.create("bulk");
            JsonArrayBuilder rules = Json.createArrayBuilder();
            for (int i = 0; i < 2999; i++) {
                rules.add(tcpRule("10.254.122." + (i % 250 + 1), 1000 + i));
            }
            rules.add(tcpRule(ns.ip, 9000).add("log", true));
            long started = System.nanoTime();
            cell.client.bulkNetOut("bulk", rules.build());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("BulkNetOut of 3000 rules took " + took.toMillis() + " ms");
            // Well under a second on an idle host; the bound only catches one exec per rule (minutes).
            assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "3000 rules took " + took);

            String chain = cell.networkPrefix + "-c-" + networkId("bulk");
            long rulesInChain = TestCell.run("iptables", "-w", "-S", chain).lines().filter(l -> l.startsWith("-A")).count();
            assertTrue(rulesInChain >= 3000, "rules in " + chain + ": " + rulesInChain);
            assertTrue(run("bulk", sh("nc -w 3 " + ns.ip + " 9000 </dev/null"), 0).stdoutText().contains("bulk"));
            String log = TestCell.run("iptables", "-w", "-L", chain + "-log", "-v", "-x", "-n");
            String logLine = log.lines().filter(l -> l.contains("LOG")).findFirst().orElseThrow(() -> new AssertionError(log));
            assertTrue(Long.parseLong(logLine.strip().split("\\s+")[0]) > 0, "the LOG rule counted packets: " + log);
        }
    }

    @Test
    void anExactAddressASharedSubnetAndAFullSubnetAreGardenAnswers() {
        cell.client.create(Json.createObjectBuilder().add("handle", "shared-a").add("network", "10.254.124.0/24").build());
        cell.client.create(Json.createObjectBuilder().add("handle", "shared-b").add("network", "10.254.124.0/24").build());
        assertEquals("10.254.124.2", ip("shared-a"));
        assertEquals("10.254.124.3", ip("shared-b"));
        assertEquals("10.254.124.1", info("shared-b").getString("HostIP"));
        // Containers of one subnet reach each other without rules.
        serveInContainer("shared-b", 7000, "neighbour");
        TestCell.eventually(WAIT, () -> cell.client.run("shared-a", sh("nc -w 2 10.254.124.3 7000 </dev/null").build(),
                ProcessStreams.collecting()).await(WAIT) == 0);
        assertTrue(run("shared-a", sh("nc -w 2 10.254.124.3 7000 </dev/null"), 0).stdoutText().contains("neighbour"));

        cell.client.create(Json.createObjectBuilder().add("handle", "exact").add("network", "10.254.125.6/30").build());
        assertEquals("10.254.125.6", ip("exact"));
        assertEquals("10.254.125.5", info("exact").getString("HostIP"));
        GardenClientException taken = assertThrows(GardenClientException.class, () -> cell.client.create(
                Json.createObjectBuilder().add("handle", "exact-2").add("network", "10.254.125.6/30").build()));
        assertTrue(taken.getMessage().contains("already allocated"), taken.getMessage());
        cell.client.create(Json.createObjectBuilder().add("handle", "tiny").add("network", "10.254.126.0/30").build());
        GardenClientException full = assertThrows(GardenClientException.class, () -> cell.client.create(
                Json.createObjectBuilder().add("handle", "tiny-2").add("network", "10.254.126.0/30").build()));
        assertTrue(full.getMessage().contains("insufficient"), full.getMessage());
        assertThrows(GardenClientException.class, () -> cell.client.create(
                Json.createObjectBuilder().add("handle", "bad").add("network", "banana").build()));
        assertEquals(java.util.List.of("exact", "shared-a", "shared-b", "tiny"), cell.client.list(Map.of()));
    }

    @Test
    void hostsAndResolvConfAreTheContainersOwnAndSharedWithItsPeas() {
        cell.client.create("dns");
        String hosts = run("dns", sh("cat /etc/hosts"), 0).stdoutText();
        assertEquals("127.0.0.1 localhost\n" + ip("dns") + " dns\n", hosts);
        assertEquals("nameserver 127.0.0.1\n", run("dns", sh("cat /etc/resolv.conf"), 0).stdoutText());
        assertTrue(run("dns", sh("ping -c 1 -W 2 dns"), 0).stdoutText().contains("1 packets received"));
        assertEquals(hosts, run("dns", PeaIT.pea("cat /etc/hosts"), 0).stdoutText());
        run("dns", PeaIT.pea("echo from-pea >> /etc/hosts"), 0);
        assertTrue(run("dns", sh("cat /etc/hosts"), 0).stdoutText().endsWith("from-pea\n"));
        run("dns", sh("echo NONSENSE > /etc/resolv.conf"), 0);
        ProcessStreams denied = run("dns", sh("echo NONSENSE > /etc/hosts").add("user", "nobody"), 1);
        assertTrue(denied.stderrText().contains("Permission denied"), denied.stderrText());
    }

    /** The chain's rules as iptables -S lists them, without its declaration. */
    private static java.util.List<String> chainRules(String chain) {
        return TestCell.run("iptables", "-w", "-S", chain).lines().filter(l -> l.startsWith("-A ")).toList();
    }

    /** The packets iptables counted for the chain's rule listing the given text ("dpt:9000"). */
    private static long packets(String chain, String match) {
        String listing = TestCell.run("iptables", "-w", "-L", chain, "-v", "-x", "-n");
        return listing.lines().filter(l -> l.contains(match)).findFirst()
                .map(l -> Long.parseLong(l.strip().split("\\s+")[0]))
                .orElseThrow(() -> new AssertionError("no rule with " + match + " in " + listing));
    }

    @Test
    void aNetOutAddsItsRuleAfterTheChainsHeadWithoutRewritingTheChain() throws IOException {
        try (TestNamespace ns = new TestNamespace("ghtn5", "10.254.123")) {
            ns.serve(9000, "first");
            ns.serve(9001, "second");
            cell.client.create("append");
            cell.client.netOut("append", tcpRule(ns.ip, 9000).build());
            String dial = "nc -w 3 " + ns.ip + " 9000 </dev/null";
            TestCell.eventually(WAIT, () -> cell.client.run("append", sh(dial).build(), ProcessStreams.collecting())
                    .await(WAIT) == 0);
            String chain = cell.networkPrefix + "-c-" + networkId("append");
            long counted = packets(chain, "dpt:9000");
            assertTrue(counted > 0, "the first rule counted the connection");
            java.util.List<String> before = chainRules(chain);

            cell.client.netOut("append", tcpRule(ns.ip, 9001).build());
            java.util.List<String> after = chainRules(chain);
            assertEquals(before.size() + 1, after.size(), after::toString);
            int first = before.indexOf(before.stream().filter(l -> l.contains("--dport 9000")).findFirst().orElseThrow());
            assertTrue(after.get(first).contains("--dport 9001"), "newest first, right after the head: " + after);
            java.util.List<String> rest = new java.util.ArrayList<>(after);
            rest.remove(first);
            assertEquals(before, rest, "the other rules stay as they were");
            // A rewrite (a flushed and refilled chain) would have zeroed the older rule's counters.
            assertTrue(packets(chain, "dpt:9000") >= counted, "the older rule kept its counters");
            assertTrue(run("append", sh("nc -w 3 " + ns.ip + " 9001 </dev/null"), 0).stdoutText().contains("second"));
            assertTrue(run("append", sh(dial), 0).stdoutText().contains("first"));
        }
    }

    /**
     * The upstream suite's "subnet support" specs ("should continue to route traffic successfully"),
     * which dial 8.8.8.8, here towards a test namespace: a shared subnet keeps routing while its
     * other containers come and go, and routes again when it is used anew after its last container.
     */
    @Test
    void aSharedSubnetKeepsRoutingAsItsOtherContainersComeAndGoAndAgainWhenUsedAnew() {
        String subnet = "10.254.127.0/24";
        try (TestNamespace ns = new TestNamespace("ghtn5", "10.254.123")) {
            ns.serve(9000, "routed");
            String dial = "echo hello | nc -w 3 " + ns.ip + " 9000";
            cell.client.create(Json.createObjectBuilder().add("handle", "stays").add("network", subnet)
                    .add("netout_rules", Json.createArrayBuilder().add(tcpRule(ns.ip, 9000))).build());
            TestCell.eventually(WAIT, () -> cell.client.run("stays", sh(dial).build(), ProcessStreams.collecting())
                    .await(WAIT) == 0);
            for (int i = 0; i < 5; i++) {
                cell.client.create(Json.createObjectBuilder().add("handle", "passer-" + i).add("network", subnet).build());
                cell.client.destroy("passer-" + i);
                assertTrue(run("stays", sh(dial), 0).stdoutText().contains("routed"), "after destroying passer-" + i);
            }
            String bridge = cell.networkPrefix + "b0afe7f00";
            assertTrue(TestCell.run("ip", "-o", "link", "show").contains(" " + bridge + ":"), "one bridge for the subnet");
            cell.client.destroy("stays");
            assertTrue(!TestCell.run("ip", "-o", "link", "show").contains(" " + bridge + ":"), "the bridge went with its last container");

            cell.client.create(Json.createObjectBuilder().add("handle", "anew").add("network", subnet)
                    .add("netout_rules", Json.createArrayBuilder().add(tcpRule(ns.ip, 9000))).build());
            assertEquals("10.254.127.2", ip("anew"), "the first address came back to the subnet");
            TestCell.eventually(WAIT, () -> cell.client.run("anew", sh(dial).build(), ProcessStreams.collecting())
                    .await(WAIT) == 0);
            assertTrue(run("anew", sh(dial), 0).stdoutText().contains("routed"));
        }
    }

    /** The upstream suite's busybox image has neither file; the cell's are mounted over nothing. */
    @Test
    void anImageWithoutHostsOrResolvConfGetsTheCellsAndResolvesItsHostname() throws IOException {
        java.nio.file.Path rootfs = cell.work.resolve("rootfs-without-dns-files");
        TestCell.run("rm", "-rf", rootfs.toString());
        TestCell.run("cp", "-a", cell.settings.defaultRootfs().toString(), rootfs.toString());
        try {
            Files.deleteIfExists(rootfs.resolve("etc/hosts"));
            Files.deleteIfExists(rootfs.resolve("etc/resolv.conf"));
            cell.client.create(Json.createObjectBuilder().add("handle", "bare")
                    .add("image", Json.createObjectBuilder().add("uri", "raw://" + rootfs)).build());
            assertEquals("127.0.0.1 localhost\n" + ip("bare") + " bare\n", run("bare", sh("cat /etc/hosts"), 0).stdoutText());
            assertEquals("nameserver 127.0.0.1\n", run("bare", sh("cat /etc/resolv.conf"), 0).stdoutText());
            assertTrue(run("bare", sh("ping -c 1 -W 2 bare"), 0).stdoutText().contains("1 packets received"));
            cell.client.destroy("bare");
            assertTrue(!Files.exists(rootfs.resolve("etc/hosts")) && !Files.exists(rootfs.resolve("etc/resolv.conf")),
                    "the image's directory is not written to");
        } finally {
            TestCell.run("rm", "-rf", rootfs.toString());
        }
    }

    @Test
    void ipv6RulesAreRefusedWithGardenErrorsAndABulkWithOneAppliesNothing() throws IOException {
        cell.client.create("v4");
        JsonObject info = info("v4");
        assertEquals("", info.getString("ContainerIPv6", ""), "IPv4 only");
        String chain = cell.networkPrefix + "-c-" + networkId("v4");
        java.util.List<String> before = chainRules(chain);
        GardenClientException icmpv6 = assertThrows(GardenClientException.class, () -> cell.client.netOut("v4",
                Json.createObjectBuilder().add("protocol", 4).add("icmps", Json.createObjectBuilder().add("type", 128)).build()));
        assertTrue(icmpv6.getMessage().contains("ICMPv6") && icmpv6.getMessage().contains("IPv4 only"), icmpv6.getMessage());
        GardenClientException v6 = assertThrows(GardenClientException.class, () -> cell.client.netOut("v4",
                tcpRule("fd00::1", 80).build()));
        assertTrue(v6.getMessage().contains("IPv4 only"), v6.getMessage());
        assertThrows(GardenClientException.class, () -> cell.client.bulkNetOut("v4", Json.createArrayBuilder()
                .add(tcpRule("10.254.123.2", 80)).add(Json.createObjectBuilder().add("protocol", 4)).build()));
        assertEquals(before, chainRules(chain), "no rule of the refused bulk was applied");
        GardenClientException atCreate = assertThrows(GardenClientException.class, () -> cell.client.create(
                Json.createObjectBuilder().add("handle", "v6").add("netout_rules", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("protocol", 4))).build()));
        assertTrue(atCreate.getMessage().contains("ICMPv6"), atCreate.getMessage());
        assertEquals(java.util.List.of("v4"), cell.client.list(Map.of()));
    }

    @Test
    void bandwidthLimitsHoldBothWays() throws Exception {
        long rate = 256 * 1024;
        cell.client.create(Json.createObjectBuilder().add("handle", "slow")
                .add("limits", Json.createObjectBuilder().add("bandwidth_limits",
                        Json.createObjectBuilder().add("rate", rate).add("burst", 64 * 1024)))
                .build());
        String qdiscs = TestCell.run("tc", "qdisc", "show", "dev", cell.networkPrefix + networkId("slow"));
        assertTrue(qdiscs.contains("tbf"), qdiscs);
        long hostPort = cell.client.netIn("slow", 0, 8080).getJsonNumber("host_port").longValue();
        int bytes = 1 << 20;
        // Out of the container: it sends 1 MiB to the host.
        cell.client.run("slow", sh("dd if=/dev/zero bs=1024 count=1024 2>/dev/null | nc -l -p 8080").build(),
                ProcessStreams.collecting());
        long received = 0;
        long started = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (received == 0 && System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", (int) hostPort)) {
                s.setSoTimeout(30_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[65536];
                int n = in.read(buf);
                started = System.nanoTime();
                while (n > 0) {
                    received += n;
                    n = received >= bytes ? -1 : in.read(buf);
                }
            } catch (IOException e) {
                TestCell.sleep(Duration.ofMillis(100));
            }
        }
        Duration out = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(bytes, received);
        // At 256 KiB/s a mebibyte less the burst and what the first read held takes over 2.5 s.
        assertTrue(out.compareTo(Duration.ofMillis(2500)) > 0, "1 MiB out of the container took " + out);

        // Into the container: the host sends 1 MiB; the container's process ends when all arrived.
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess sink = cell.client.run("slow", sh("nc -l -p 8080 | wc -c").build(), io);
        started = System.nanoTime();
        Socket s = null;
        while (s == null && System.nanoTime() < deadline) {
            try {
                s = new Socket("127.0.0.1", (int) hostPort);
            } catch (IOException e) {
                TestCell.sleep(Duration.ofMillis(50));
            }
        }
        assertTrue(s != null);
        try (Socket open = s; OutputStream o = open.getOutputStream()) {
            o.write(new byte[bytes]);
            open.shutdownOutput();
            assertEquals(0, sink.await(WAIT));
        }
        Duration in = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(String.valueOf(bytes), io.stdoutText().strip());
        assertTrue(in.compareTo(Duration.ofMillis(2500)) > 0, "1 MiB into the container took " + in);
        System.out.println("1 MiB at a 256 KiB/s limit: out " + out.toMillis() + " ms, in " + in.toMillis() + " ms");
    }

    @Test
    void netInKeepsWorkingAfterTheServerIsKilledAndThePoolsAreReloaded() {
        cell.client.create("survivor");
        String before = ip("survivor");
        long hostPort = cell.client.netIn("survivor", 0, 8080).getJsonNumber("host_port").longValue();
        serveInContainer("survivor", 8080, "alive");
        assertEquals("alive", firstLine("127.0.0.1", hostPort));
        cell.killServer();
        cell.startServer();
        assertEquals("alive", firstLine("127.0.0.1", hostPort));
        assertEquals(before, ip("survivor"));
        assertEquals(hostPort, info("survivor").getJsonArray("MappedPorts").getJsonObject(0)
                .getJsonNumber("HostPort").longValue());
        cell.client.create("newcomer");
        assertNotEquals(before, ip("newcomer"));
        long next = cell.client.netIn("newcomer", 0, 8080).getJsonNumber("host_port").longValue();
        assertNotEquals(hostPort, next);
    }
}
