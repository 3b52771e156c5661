package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.ProcessStreams;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints moved between two real cells on this machine (issue 16): the test cell and a
 * {@link SecondCell} with its own depot, runC root, cgroup parent, port and pools. Also: archives
 * that do not belong are refused with nothing left, and the times of a 100 MiB footprint.
 */
class CheckpointMoveIT extends CellTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String COUNTER =
            "(i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done) </dev/null >/dev/null 2>&1 &";
    private static final String COUNTER_PID = "ps -o pid,ppid,args | awk '$2 == 1 && /while true/ {print $1}'";
    private static SecondCell second;

    @BeforeAll
    static void cellsAreReady() {
        new TestCell().awaitReady(Duration.ofMinutes(5));
        second = new SecondCell(new TestCell()).start();
    }

    @AfterAll
    static void secondCellGoes() {
        if (second != null) {
            second.close();
        }
    }

    @AfterEach
    void nothingLeaksOnTheSecondCell() {
        second.destroyAll();
        assertTrue(TestCell.eventually(Duration.ofSeconds(10), () -> second.leftovers().isEmpty()),
                () -> "leftovers on the second cell: " + second.leftovers());
    }

    private static long count(Path depot, String handle) {
        try {
            String s = Files.readString(depot.resolve(handle).resolve("rootfs/tmp/count")).strip();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static String run(io.greenhouse.client.GardenClient client, String handle, String script) {
        ProcessStreams io = ProcessStreams.collecting();
        assertEquals(0, client.run(handle, ProcessIT.sh(script).build(), io).await(WAIT), io::stderrText);
        return io.stdoutText();
    }

    /** Privileged, as in CheckpointIT: its network namespace is kept (README); the unprivileged move is a test of its own. */
    private String create(String handle) {
        return cell.client.create(Json.createObjectBuilder().add("handle", handle).add("privileged", true).build());
    }

    @Test
    void aCounterMovesToTheOtherCellAndCountsOnThere() {
        JsonObject spec = Json.createObjectBuilder().add("handle", "mv-counter").add("privileged", true)
                .add("properties", Json.createObjectBuilder().add("app", "counter"))
                .build();
        String h = cell.client.create(spec);
        cell.client.netIn(h, 0, 8080);
        assertEquals(0, cell.client.run(h, ProcessIT.sh(COUNTER + " echo moved > /tmp/marker").build(),
                ProcessStreams.collecting()).await(WAIT));
        assertTrue(TestCell.eventually(WAIT, () -> count(cell.depot, h) >= 10), "the counter counts");
        String counterPid = run(cell.client, h, COUNTER_PID);
        String firstIp = cell.client.info(h).getString("ContainerIP");

        cell.client.checkpoint(h, false);
        long frozen = count(cell.depot, h);
        GardenClientException notTwice = assertThrows(GardenClientException.class, () -> cell.client.checkpoint(h, false));
        assertTrue(notTwice.getMessage().contains("already checkpointed"), notTwice::getMessage);

        long started = System.nanoTime();
        String moved = cell.client.migrate(h, second.client);
        long took = System.nanoTime() - started;
        System.out.printf("checkpoint move: export+import+restore %d ms%n", took / 1_000_000);
        assertEquals(h, moved);

        // gone from the first cell, running on the second
        assertEquals(List.of(), cell.client.list(Map.of()));
        JsonObject info = second.client.info(h);
        assertEquals("active", info.getString("State"));
        assertEquals("counter", info.getJsonObject("Properties").getString("app"));
        String ip = info.getString("ContainerIP");
        assertTrue(ip.startsWith("10.254.8") || ip.startsWith(second.pool.substring(0, second.pool.lastIndexOf('.'))),
                "an address of the second cell: " + ip);
        assertNotEquals(firstIp, ip);
        var ports = info.getJsonArray("MappedPorts");
        assertEquals(1, ports.size(), ports::toString);
        assertEquals(8080, ports.getJsonObject(0).getInt("ContainerPort"));
        int hostPort = ports.getJsonObject(0).getInt("HostPort");
        assertTrue(hostPort >= second.portPoolStart && hostPort < second.portPoolStart + 100, "from its pool: " + hostPort);

        assertTrue(count(second.depot, h) >= frozen, "counts on from where it was");
        assertTrue(TestCell.eventually(WAIT, () -> count(second.depot, h) >= frozen + 10), "counts on the second cell");
        assertEquals(counterPid, run(second.client, h, COUNTER_PID), "the same process, with its pid");
        assertEquals("moved\n", run(second.client, h, "cat /tmp/marker"), "the writable layer came along");
        assertTrue(run(second.client, h, "ip -4 addr show eth0 2>/dev/null || ifconfig eth0").contains(ip),
                "its eth0 has the second cell's address");

        // and it can be checkpointed and restored there again
        second.client.checkpoint(h, false);
        second.client.restore(h);
        assertEquals(counterPid, run(second.client, h, COUNTER_PID));
        second.client.destroy(h);
    }

    @Test
    void aKeptProcessWithStreamedStdioMovesToTheOtherCellAndIsAttachedThereByItsId() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "mv-kept").add("privileged", true)
                .add("properties", Json.createObjectBuilder().add("greenhouse.checkpoint.processes", "true")).build());
        ProcessStreams io = ProcessStreams.collecting();
        io.greenhouse.client.GardenProcess p = cell.client.run(h,
                ProcessIT.sh("echo \"pid $$\"; while read l; do echo \"got $l\"; done; exit 6").add("id", "mover").build(), io);
        p.stdin("a\n");
        assertTrue(TestCell.eventually(WAIT, () -> io.stdoutText().endsWith("got a\n")), io::stdoutText);
        String pid = io.stdoutText().lines().findFirst().orElseThrow().substring(4);

        assertEquals(h, cell.client.migrate(h, second.client));
        assertEquals(137, p.await(WAIT), "on the first cell it ended with its container");
        ProcessStreams after = ProcessStreams.collecting();
        io.greenhouse.client.GardenProcess there = second.client.attach(h, "mover", after);
        assertEquals("alive\n", run(second.client, h, "kill -0 " + pid + " && echo alive"), "the same pid there");
        there.stdin("b\n");
        there.closeStdin();
        assertEquals(6, there.await(WAIT));
        assertEquals("got b\n", after.stdoutText());
        second.client.destroy(h);
    }

    @Test
    void anUnprivilegedCounterMovesToTheOtherCellAndGetsAnAddressThere() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "mv-unprivileged").build());
        assertEquals(0, cell.client.run(h, ProcessIT.sh(COUNTER).build(), ProcessStreams.collecting()).await(WAIT));
        assertTrue(TestCell.eventually(WAIT, () -> count(cell.depot, h) >= 10), "the counter counts");
        String counterPid = run(cell.client, h, COUNTER_PID);
        cell.client.checkpoint(h, false);
        long frozen = count(cell.depot, h);

        assertEquals(h, cell.client.migrate(h, second.client));
        assertEquals(List.of(), cell.client.list(Map.of()));
        String ip = second.client.info(h).getString("ContainerIP");
        assertTrue(TestCell.eventually(WAIT, () -> count(second.depot, h) >= frozen + 10), "counts on the second cell");
        assertEquals(counterPid, run(second.client, h, COUNTER_PID), "the same process, with its pid");
        assertTrue(run(second.client, h, "ip -4 addr show eth0 2>/dev/null || ifconfig eth0").contains(ip),
                "its new veth has the second cell's address");
        second.client.destroy(h);
    }

    /**
     * A restore that fails on the other cell (here: its pstree image put aside there) is a Garden
     * error with criu's words and leaves the imported container checkpointed there, to be retried.
     */
    @Test
    void aFailedRestoreOnTheOtherCellCanBeTriedAgain() throws IOException {
        String h = create("mv-retry");
        assertEquals(0, cell.client.run(h, ProcessIT.sh(COUNTER).build(), ProcessStreams.collecting()).await(WAIT));
        assertTrue(TestCell.eventually(WAIT, () -> count(cell.depot, h) >= 5), "the counter counts");
        cell.client.checkpoint(h, false);
        long frozen = count(cell.depot, h);
        try (InputStream archive = cell.client.exportCheckpoint(h)) {
            second.client.importCheckpoint(h, archive);
        }
        Path images = second.depot.resolve(h).resolve("checkpoint/images");
        Path pstree = images.resolve("pstree.img");
        Path aside = second.work.resolve("mv-retry-pstree.img");
        Files.move(pstree, aside);
        try {
            GardenClientException e = assertThrows(GardenClientException.class, () -> second.client.restore(h));
            assertTrue(e.getMessage().contains("restore of " + h + " failed") && e.getMessage().contains("criu: "), e::getMessage);
            assertEquals("checkpointed", second.client.info(h).getString("State"));
        } finally {
            Files.move(aside, pstree);
        }
        second.client.restore(h);
        assertTrue(TestCell.eventually(WAIT, () -> count(second.depot, h) >= frozen + 5), "counts on the other cell");
    }

    /**
     * criu 4.1.1 cannot dump an inet socket on Linux 6.18 ({@code Can't get 1:16 opt: Operation not
     * supported}: the kernel no longer answers SO_PASSCRED for them): a container with a listening
     * server is not checkpointed, and keeps running and listening.
     */
    @Test
    void aContainerWithAListeningSocketIsNotCheckpointedAndKeepsRunning() {
        String h = create("mv-bound");
        run(cell.client, h, "(exec httpd -f -p 8080 -h /tmp) </dev/null >/dev/null 2>&1 &");
        assertTrue(TestCell.eventually(WAIT, () -> run(cell.client, h, "netstat -ltn").contains(":8080")), "httpd listens");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.checkpoint(h, false));
        System.out.println("a listening socket: " + e.getMessage());
        assertTrue(e.getMessage().contains("checkpoint of " + h + " failed") && e.getMessage().contains("criu: "), e::getMessage);
        assertEquals("active", cell.client.info(h).getString("State"));
        assertTrue(run(cell.client, h, "netstat -ltn").contains(":8080"), "still listening");
    }

    /** The archive of a real checkpointed container, read whole (a few MiB). */
    private byte[] archiveOf(String handle) {
        create(handle);
        cell.client.checkpoint(handle, false);
        try (InputStream in = cell.client.exportCheckpoint(handle)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Entry(TarArchiveEntry header, byte[] content) {
    }

    private static List<Entry> entries(byte[] archive) throws IOException {
        List<Entry> out = new java.util.ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                out.add(new Entry(e, tar.readAllBytes()));
            }
        }
        return out;
    }

    private static byte[] tar(List<Entry> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                e.header().setSize(e.header().isFile() && !e.header().isLink() ? e.content().length : 0);
                tar.putArchiveEntry(e.header());
                tar.write(e.content());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Entry file(String name, byte[] content) {
        return new Entry(new TarArchiveEntry(name), content);
    }

    private static byte[] layerWith(Entry hostile) throws IOException {
        return tar(List.of(file("ok", "fine".getBytes(StandardCharsets.UTF_8)), hostile));
    }

    private void refused(byte[] archive, String why) {
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> second.client.importCheckpoint("mv-hostile", new ByteArrayInputStream(archive)), why);
        System.out.println("refused (" + why + "): " + e.getMessage());
        assertEquals(List.of(), second.client.list(Map.of()), why + ": nothing made");
        assertTrue(second.leftovers().isEmpty(), () -> why + ": " + second.leftovers());
    }

    @Test
    void archivesThatDoNotBelongAreRefusedAndLeaveNothing() throws IOException {
        List<Entry> real = entries(archiveOf("mv-source"));
        assertEquals("manifest.json", real.get(0).header().getName());
        assertEquals("layer.tar", real.get(1).header().getName());
        Entry manifest = real.get(0);
        List<Entry> images = real.stream().filter(e -> e.header().getName().startsWith("images/")).toList();
        assertTrue(images.stream().anyMatch(e -> e.header().getName().equals("images/inventory.img")));

        refused("not a tar at all".getBytes(StandardCharsets.UTF_8), "no tar");
        refused(tar(List.of(real.get(1), manifest)), "manifest not first");
        refused(tar(List.of(file("manifest.json", "{\"version\":2}".getBytes(StandardCharsets.UTF_8)))), "other version");
        TarArchiveEntry link = new TarArchiveEntry("images/evil", TarConstants.LF_SYMLINK);
        link.setLinkName("/etc/passwd");
        refused(tar(List.of(manifest, real.get(1), new Entry(link, new byte[0]))), "a symlink entry");
        refused(tar(List.of(manifest, real.get(1), file("images/../../escape", new byte[] {1}))), "'..' in an image name");
        refused(tar(List.of(manifest, real.get(1), file("etc/passwd", new byte[] {1}))), "an entry that does not belong");
        refused(tar(List.of(manifest, file("layer.tar", layerWith(file("../../../escape", new byte[] {1}))))),
                "'..' in the layer");
        TarArchiveEntry layerLink = new TarArchiveEntry("tmp", TarConstants.LF_SYMLINK);
        layerLink.setLinkName("/");
        refused(tar(List.of(manifest, file("layer.tar", tar(List.of(new Entry(layerLink, new byte[0]),
                file("tmp/escape", new byte[] {1})))))), "a write through a symlink in the layer");
        refused(tar(List.of(manifest, real.get(1))), "no dump");
        assertTrue(Files.notExists(Path.of("/escape")) && Files.notExists(second.work.resolve("escape")));

        // the untouched archive is taken: the refusals were for what they were
        String h = second.client.importCheckpoint("mv-real", new ByteArrayInputStream(tar(real)));
        assertEquals("checkpointed", second.client.info(h).getString("State"));
        second.client.restore(h);
        assertEquals("active", second.client.info(h).getString("State"));
    }

    @Test
    void aRunningContainerIsNotExportedAndAnExportLeavesTheCheckpoint() {
        String h = create("mv-running");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.exportCheckpoint(h).close());
        assertTrue(e.getMessage().contains("not checkpointed"), e::getMessage);
        cell.client.checkpoint(h, false);
        try (InputStream in = cell.client.exportCheckpoint(h)) {
            assertTrue(in.readAllBytes().length > 0);
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
        assertEquals("checkpointed", cell.client.info(h).getString("State"));
        cell.client.restore(h);
        assertEquals("active", cell.client.info(h).getString("State"));
    }

    /**
     * 100 MiB of touched memory: dd's 100 MiB buffer, filled from /dev/zero, blocked writing into
     * a pipe nobody reads; checkpoint, restore on this cell, and the move, timed.
     */
    @Test
    void aHundredMebibyteFootprintIsCheckpointedRestoredAndMoved() {
        String h = create("mv-100m");
        assertEquals(0, cell.client.run(h, ProcessIT.sh("(dd if=/dev/zero bs=100M count=2 2>/dev/null | sleep 100000)"
                + " </dev/null >/dev/null 2>&1 &").build(), ProcessStreams.collecting()).await(WAIT));
        assertTrue(TestCell.eventually(WAIT, () -> rss(cell.client, h) >= 100L << 20), () -> "dd holds 100 MiB: " + rss(cell.client, h));
        long t0 = System.nanoTime();
        cell.client.checkpoint(h, false);
        long t1 = System.nanoTime();
        cell.client.restore(h);
        long t2 = System.nanoTime();
        assertTrue(rss(cell.client, h) >= 100L << 20, "restored with its memory");
        cell.client.checkpoint(h, false);
        long t3 = System.nanoTime();
        long size;
        try (InputStream in = cell.client.exportCheckpoint(h)) {
            byte[] archive = in.readAllBytes();
            size = archive.length;
            long t4 = System.nanoTime();
            second.client.importCheckpoint(h, new ByteArrayInputStream(archive));
            long t5 = System.nanoTime();
            second.client.restore(h);
            long t6 = System.nanoTime();
            System.out.printf("100 MiB footprint: checkpoint %d ms, restore %d ms; second checkpoint %d ms,"
                            + " export %d ms (%d MiB), import %d ms, restore on the second cell %d ms%n",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000,
                    size >> 20, (t5 - t4) / 1_000_000, (t6 - t5) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(size >= 100L << 20, "the archive carries the memory: " + size);
        assertTrue(rss(second.client, h) >= 100L << 20, "restored on the second cell with its memory");
    }

    /** Resident bytes of the container's dd, from its /proc status (busybox dd rewrites its command line). */
    static long rss(io.greenhouse.client.GardenClient client, String handle) {
        String out = run(client, handle, "for p in /proc/[0-9]*; do grep -qx 'Name:[[:space:]]*dd' $p/status 2>/dev/null"
                + " && awk '/^VmRSS/ {print $2}' $p/status; done; true").strip();
        try {
            return out.isEmpty() ? 0 : Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
