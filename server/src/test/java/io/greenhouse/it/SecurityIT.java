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

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static io.greenhouse.it.ProcessIT.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #12's confinement, seen from inside real containers and peas: Guardian's user namespace
 * mapping, capabilities, the seccomp filter, masked paths and devices; and the escapes: no
 * descriptor of the server or a monitor reaches a container process (CVE-2024-21626 class), no
 * binary of the host's runtime can be opened for writing from inside (CVE-2019-5736 class), and
 * symlinks planted in a root filesystem do not carry Greenhouse's mounts onto the host.
 * The probe (security-probe.c, built here with the host's gcc) makes the system calls busybox has
 * no applet for, and is bind mounted read-only.
 */
class SecurityIT extends CellTestSupport {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String GUARDIAN_MAP = "0 4294967294 1\n1 1 4294967293";
    static final long CAP_SYS_ADMIN = 21;
    static final int EPERM = 1;
    static final String PROBE = "/opt/probe/security-probe";

    private static Path probeDir;

    @BeforeAll
    static void buildProbe() throws IOException {
        TestCell cell = new TestCell();
        probeDir = cell.work.resolve("security-probe");
        Files.createDirectories(probeDir);
        // The container's root is an unmapped "other" to host files: the path must be searchable.
        TestCell.run("chmod", "755", cell.work.toString(), probeDir.toString());
        Path source = probeDir.resolve("security-probe.c");
        try (InputStream in = SecurityIT.class.getResourceAsStream("security-probe.c")) {
            Files.write(source, in.readAllBytes());
        }
        String out = TestCell.run("gcc", "-static", "-O2", "-Wall", "-Werror", "-o",
                probeDir.resolve("security-probe").toString(), source.toString());
        assertTrue(Files.isExecutable(probeDir.resolve("security-probe")), out);
    }

    private static JsonObjectBuilder probeMount() {
        return Json.createObjectBuilder().add("src_path", probeDir.toString()).add("dst_path", "/opt/probe").add("mode", 0);
    }

    private String create(String handle, boolean privileged) {
        return cell.client.create(Json.createObjectBuilder().add("handle", handle).add("privileged", privileged)
                .add("bind_mounts", Json.createArrayBuilder().add(probeMount())).build());
    }

    private String out(String handle, JsonObject spec) {
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(handle, spec, io);
        assertEquals(0, p.await(WAIT), () -> "stdout: " + io.stdoutText() + " stderr: " + io.stderrText());
        return io.stdoutText();
    }

    private JsonObject pea(String script) {
        return sh(script).add("image", Json.createObjectBuilder().add("uri", PeaIT.IMAGE))
                .add("bind_mounts", Json.createArrayBuilder().add(probeMount())).build();
    }

    /** What /proc/self/status says about the field, e.g. "2" for Seccomp. */
    static String status(String text, String field) {
        return text.lines().filter(l -> l.startsWith(field + ":")).findFirst()
                .map(l -> l.substring(field.length() + 1).strip()).orElse("(no " + field + ")");
    }

    static String idMap(String text) {
        return text.lines().map(l -> String.join(" ", l.strip().split("\\s+"))).filter(l -> !l.isEmpty())
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static final String CONFINEMENT = "cat /proc/self/status; echo '--uid'; cat /proc/self/uid_map; echo '--gid'; cat /proc/self/gid_map;"
            + " echo '--probe'; " + PROBE + " keyctl unshare-user unshare-mount;"
            + " echo '--masked'; for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/acpi /proc/scsi /sys/firmware;"
            + "   do if [ -d $p ]; then echo \"$p dir $(ls -A $p | wc -l)\"; elif [ -e $p ]; then echo \"$p file $(head -c 4096 $p 2>/dev/null | wc -c)\"; else echo \"$p absent\"; fi; done;"
            + " echo '--mknod'; mknod /tmp/null c 1 3 2>&1 && echo 'mknod ok' || echo 'mknod failed';"
            + " unshare -U true 2>/dev/null && echo 'unshare -U ok' || echo 'unshare -U failed';"
            + " echo '--fds'; exec " + PROBE + " fds";

    static String section(String out, String name) {
        int start = out.indexOf("--" + name + "\n");
        assertTrue(start >= 0, () -> "no --" + name + " in " + out);
        int from = start + name.length() + 3;
        int end = out.indexOf("\n--", from - 1);
        return out.substring(from, end < 0 ? out.length() : end + 1);
    }

    private static void assertConfined(String where, String out) {
        assertEquals(GUARDIAN_MAP, idMap(section(out, "uid")), where + " uid_map");
        assertEquals(GUARDIAN_MAP, idMap(section(out, "gid")), where + " gid_map");
        long capEff = Long.parseUnsignedLong(status(out, "CapEff"), 16);
        assertEquals(0, capEff & (1L << CAP_SYS_ADMIN), where + " CapEff " + Long.toHexString(capEff) + " has CAP_SYS_ADMIN");
        assertEquals("2", status(out, "Seccomp"), where + " is not in seccomp filter mode");
        String probe = section(out, "probe");
        // outside the allowlist: EPERM from the filter, not ENOSYS, and never success
        assertTrue(probe.contains("keyctl errno " + EPERM), where + ": " + probe);
        assertTrue(probe.contains("unshare-user errno " + EPERM), where + ": " + probe);
        assertTrue(probe.contains("unshare-mount errno " + EPERM), where + ": " + probe);
        for (String line : section(out, "masked").lines().toList()) {
            assertTrue(line.endsWith(" absent") || line.endsWith(" 0"), where + " masked path not empty: " + line);
        }
        String mknod = section(out, "mknod");
        assertTrue(mknod.contains("mknod failed"), where + ": " + mknod);
        assertTrue(mknod.contains("unshare -U failed"), where + ": " + mknod);
        assertEquals("fds 0 1 2", section(out, "fds").strip(), where + " open descriptors (after an exec)");
    }

    @Test
    void anUnprivilegedContainersProcessesAndPeasAreConfinedAsGuardiansAre() {
        String h = create("sec-unpriv", false);
        assertConfined("container process", out(h, sh(CONFINEMENT).build()));
        assertConfined("non-root container process", out(h, sh(CONFINEMENT).add("user", "nobody").build()));
        assertConfined("pea", out(h, pea(CONFINEMENT)));
        // a non-root process has no effective capabilities at all
        assertEquals("0000000000000000", status(out(h, sh("cat /proc/self/status").add("user", "nobody").build()), "CapEff"));
        // the container's init (pid 1) holds no descriptor but its stdio either
        assertEquals("0 1 2", out(h, sh("ls /proc/1/fd | tr '\\n' ' '").build()).strip(), "init's descriptors");
    }

    @Test
    void aPrivilegedContainerHasEveryCapabilityTheHostsRootHasAndDevFuse() throws IOException {
        String h = create("sec-priv", true);
        String out = out(h, sh("cat /proc/self/status; echo '--uid'; cat /proc/self/uid_map; echo '--fuse'; stat -c '%F %t %T' /dev/fuse;"
                + " echo '--fds'; exec " + PROBE + " fds").build());
        // Guardian's privileged list: every capability up to CAP_AUDIT_READ (37), less what the
        // server itself lacks (this host's test server has no CAP_SYS_RESOURCE)
        long hostBounding = Long.parseUnsignedLong(status(Files.readString(Path.of("/proc/self/status")), "CapBnd"), 16);
        long guardians = (1L << 38) - 1;
        assertEquals(Long.toHexString(hostBounding & guardians), Long.toHexString(Long.parseUnsignedLong(status(out, "CapEff"), 16)),
                "root of a privileged container has the full set");
        assertEquals("0 0 4294967295", idMap(section(out, "uid")), "no user namespace");
        assertEquals("character special file a e5", section(out, "fuse").strip(), "/dev/fuse is 10:229");
        assertEquals("2", status(out, "Seccomp"), "the looser profile is still a filter");
        assertEquals("fds 0 1 2", section(out, "fds").strip(), "open descriptors (after an exec)");
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Path> hostBinaries() {
        Path runc = Path.of(TestCell.run("sh", "-c", "readlink -f \"$(command -v " + cell.runtimeBinary + ")\"").strip());
        Path helpers = cell.settings.helpers();
        return List.of(runc, helpers.resolve("greenhouse-init"), helpers.resolve("greenhouse-monitor"));
    }

    /**
     * Scans the container's /proc for as long as it runs and opens every process's exe for writing
     * (nothing is written): a runC init joining the container (as each exec and pea does) would be
     * the window CVE-2019-5736 used.
     */
    static final String RACER = "end=$(( $(date +%s) + 8 )); while [ $(date +%s) -lt $end ]; do"
            + " for d in /proc/[0-9]*; do [ \"${d#/proc/}\" = \"$$\" ] && continue;"
            + " " + PROBE + " open-write:$d/exe | grep -q ' ok$' && echo \"OPENED $d $(readlink $d/exe)\"; done; done; echo racer done";

    private void theHostsRuntimeCannotBeOpenedForWriting(String h) throws IOException {
        // pid 1's exe is the host's greenhouse-init, bind mounted: the classic target
        String direct = out(h, sh(PROBE + " open-write:/proc/1/exe open-write:/tmp/garden-init open-write:/proc/self/exe").build());
        assertFalse(direct.contains("/proc/1/exe ok"), direct);
        assertFalse(direct.contains("/tmp/garden-init ok"), direct);
        ProcessStreams racerIo = ProcessStreams.collecting();
        GardenProcess racer = cell.client.run(h, sh(RACER).build(), racerIo);
        for (int i = 0; i < 10; i++) {
            out(h, sh("true").build());
        }
        out(h, pea("true"));
        assertEquals(0, racer.await(WAIT), racerIo.stderrText());
        assertTrue(racerIo.stdoutText().contains("racer done"), racerIo.stdoutText());
        assertFalse(racerIo.stdoutText().contains("OPENED"), racerIo.stdoutText());
    }

    @Test
    void theRuntimeBinariesCannotBeOverwrittenFromInsideAContainer() throws IOException {
        List<Path> binaries = hostBinaries();
        List<String> before = new java.util.ArrayList<>();
        for (Path b : binaries) {
            before.add(sha256(b));
        }
        Path hostInit = cell.settings.helpers().resolve("greenhouse-init");
        String initOwnerAndMode = TestCell.run("stat", "-c", "%u:%g %a", hostInit.toString());
        theHostsRuntimeCannotBeOpenedForWriting(create("sec-exe", false));
        // container root is host root here: its init is a copy of its own and runC's sealed copy of
        // itself is what protects the host
        String privileged = create("sec-exe-priv", true);
        theHostsRuntimeCannotBeOpenedForWriting(privileged);
        // it may re-own and chmod all of /tmp, its init included (the upstream privileged chown
        // spec), and that changes its own copy only
        assertEquals("1000 700\n", out(privileged, sh("chown -R 1000:1000 /tmp && chmod 700 /tmp/garden-init"
                + " && stat -c '%u %a' /tmp/garden-init").build()));
        assertEquals(initOwnerAndMode, TestCell.run("stat", "-c", "%u:%g %a", hostInit.toString()));
        for (int i = 0; i < binaries.size(); i++) {
            assertEquals(before.get(i), sha256(binaries.get(i)), binaries.get(i) + " changed");
        }
    }

    @Test
    void symlinksPlantedInARootfsDoNotCarryGreenhousesMountsOntoTheHost() throws IOException {
        Path target = cell.work.resolve("escape-target");
        Path rootfs = cell.work.resolve("rootfs-with-symlinks");
        TestCell.run("rm", "-rf", target.toString(), rootfs.toString());
        Files.createDirectories(target.resolve("dir"));
        Files.writeString(target.resolve("hosts"), "HOST ORIGINAL hosts\n");
        Files.writeString(target.resolve("resolv.conf"), "HOST ORIGINAL resolv\n");
        Files.writeString(target.resolve("dir/file"), "HOST ORIGINAL dir\n");
        TestCell.run("cp", "-a", cell.settings.defaultRootfs().toString(), rootfs.toString());
        String up = "../".repeat(12);
        Path etc = rootfs.resolve("etc");
        Files.deleteIfExists(etc.resolve("hosts"));
        Files.deleteIfExists(etc.resolve("resolv.conf"));
        Files.createSymbolicLink(etc.resolve("hosts"), Path.of(up + target.toString().substring(1) + "/hosts"));
        Files.createSymbolicLink(etc.resolve("resolv.conf"), target.resolve("resolv.conf"));
        Files.createDirectories(rootfs.resolve("mnt"));
        Files.createSymbolicLink(rootfs.resolve("mnt/evil"), target.resolve("dir"));
        JsonArrayBuilder mounts = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("src_path", probeDir.toString()).add("dst_path", "/mnt/evil").add("mode", 0));
        try {
            for (boolean privileged : new boolean[] {false, true}) {
                String handle = privileged ? "sec-links-priv" : "sec-links";
                String created;
                try {
                    created = cell.client.create(Json.createObjectBuilder().add("handle", handle).add("privileged", privileged)
                            .add("rootfs", "raw://" + rootfs).add("bind_mounts", mounts).build());
                } catch (GardenClientException refused) {
                    created = null; // refusing is safe too
                }
                if (created != null) {
                    // runC resolves the destinations inside the rootfs (the bind mount lands on
                    // ROOTFS/that/host/path); what matters here is the host's side, below
                    String inside = out(created, sh("cat /etc/hosts; echo '--resolv'; cat /etc/resolv.conf").build());
                    assertTrue(inside.contains(handle), "the container's own /etc/hosts: " + inside);
                }
                assertEquals("HOST ORIGINAL hosts\n", Files.readString(target.resolve("hosts")));
                assertEquals("HOST ORIGINAL resolv\n", Files.readString(target.resolve("resolv.conf")));
                try (var names = Files.list(target.resolve("dir"))) {
                    assertEquals(List.of("file"), names.map(f -> f.getFileName().toString()).toList());
                }
                assertTrue(TestCell.mounts().stream().noneMatch(m -> m.startsWith(target.toString())),
                        () -> "host mounts under " + target + ": " + TestCell.mounts());
                if (created != null) {
                    cell.client.destroy(created);
                }
                assertEquals("HOST ORIGINAL hosts\n", Files.readString(target.resolve("hosts")));
            }
        } finally {
            TestCell.run("rm", "-rf", target.toString(), rootfs.toString());
        }
    }
}
