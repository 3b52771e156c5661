package io.greenhouse.it;

import io.greenhouse.testsupport.TarBuilder;

import io.greenhouse.client.GardenClientException;
import jakarta.json.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** StreamIn and StreamOut against real containers, checking the container's and the host's files. */
class FileStreamsIT extends CellTestSupport {
    /** Host paths hostile streams aim at; none may ever exist. */
    private final List<Path> targets = List.of(Path.of("/tmp/gh-files-pwned"), Path.of("/var/tmp/gh-files-pwned"),
            Path.of("/etc/gh-files-pwned"));

    @BeforeEach
    void noTargetFileOnTheHost() throws IOException {
        for (Path p : targets) {
            Files.deleteIfExists(p);
        }
    }

    @AfterEach
    void theHostIsUntouched() {
        for (Path p : targets) {
            assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " was written on the host");
        }
    }

    // ---- normal use ------------------------------------------------------------------------------

    @Test
    void streamInExtractsModesTimesSymlinksAndHardLinksIntoANewDestinationAsRoot() throws IOException {
        String h = cell.client.create("files-in");
        long mtime = 978_307_200_000L;
        byte[] tar = new TarBuilder()
                .dir("app")
                .file("app/run.sh", "#!/bin/sh\necho hi\n", 0741, e -> e.setModTime(mtime))
                .link(TarConstants.LF_SYMLINK, "app/current", "run.sh")
                .link(TarConstants.LF_LINK, "app/again.sh", "app/run.sh")
                .bytes();
        HttpResponse<String> r = put(h, "/srv/new/place", "", tar);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{}", r.body().strip());

        Path app = rootfs(h).resolve("srv/new/place/app");
        Path run = app.resolve("run.sh");
        assertEquals("#!/bin/sh\necho hi\n", Files.readString(run));
        assertEquals("rwxr----x", PosixFilePermissions.toString(Files.getPosixFilePermissions(run)));
        assertEquals(mtime, Files.getLastModifiedTime(run).toMillis());
        assertEquals(0, Files.getAttribute(run, "unix:uid"));
        assertEquals(0, Files.getAttribute(run, "unix:gid"));
        assertEquals("run.sh", Files.readSymbolicLink(app.resolve("current")).toString());
        assertEquals(Files.getAttribute(run, "unix:ino"), Files.getAttribute(app.resolve("again.sh"), "unix:ino"));
        assertEquals("hi", exec(h, "/srv/new/place/app/current").strip());
    }

    @Test
    void streamInAsAUserGivesFilesToThatUserAsTheContainersPasswdSaysAndRelativePathsStartAtHome() throws IOException {
        String h = cell.client.create("files-user");
        addUser(h, "alice", 1001, 1002);
        cell.client.streamIn(h, "/home/alice/stuff", "alice", new ByteArrayInputStream(new TarBuilder().file("a.txt", "A").bytes()));
        Path a = rootfs(h).resolve("home/alice/stuff/a.txt");
        assertEquals(1001, Files.getAttribute(a, "unix:uid"));
        assertEquals(1002, Files.getAttribute(a, "unix:gid"));
        assertEquals(1001, Files.getAttribute(a.getParent(), "unix:uid"), "created destination belongs to the user");

        cell.client.streamIn(h, ".", "alice", new ByteArrayInputStream(new TarBuilder().file("b.txt", "B").bytes()));
        assertEquals("B", Files.readString(rootfs(h).resolve("home/alice/b.txt")));
    }

    @Test
    void anUnknownUserIsAnError() {
        String h = cell.client.create("files-nouser");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.streamIn(h, "/tmp", "batman",
                new ByteArrayInputStream(new TarBuilder().file("x", "x").bytes())));
        assertEquals(500, e.status());
        assertTrue(e.getMessage().contains("error streaming in"), e.getMessage());
        assertTrue(e.getMessage().contains("batman"), e.getMessage());
    }

    @Test
    void aUserWithoutWriteAccessGetsPermissionDenied() {
        String h = cell.client.create("files-perm");
        addUser(h, "alice", 1001, 1001);
        addUser(h, "bob", 1003, 1003);
        exec(h, "chmod", "0755", "/home/alice");
        GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.streamIn(h, "/home/alice", "bob",
                new ByteArrayInputStream(new TarBuilder().dir("d").file("d/f", "x").bytes())));
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
        assertFalse(Files.exists(rootfs(h).resolve("home/alice/d")));
    }

    @Test
    void streamOutOfADirectoryNamesEntriesAfterItsLastComponentOrDotWithATrailingSlash() throws IOException {
        String h = cell.client.create("files-out");
        addUser(h, "alice", 1001, 1001);
        assertEquals("", execAs(h, "1001:1001", "/bin/sh", "-c",
                "mkdir -p /home/alice/outer/inner && echo body > /home/alice/outer/inner/file"));
        for (String user : List.of("alice", "")) {
            List<String> names = names(cell.client.streamOut(h, "/home/alice/outer/inner", user));
            assertEquals(List.of("inner/", "inner/file"), names, "as " + user);
        }
        assertEquals(List.of("./", "./file"), names(cell.client.streamOut(h, "outer/inner/", "alice")));
        assertEquals(List.of("file"), names(cell.client.streamOut(h, "/home/alice/outer/inner/file", "")));
    }

    @Test
    void whatGoesInComesOutTheSame() throws IOException {
        String h = cell.client.create("files-roundtrip");
        byte[] blob = new byte[3_000_000];
        new java.util.Random(3).nextBytes(blob);
        cell.client.streamIn(h, "/data", "", new ByteArrayInputStream(new TarBuilder().file("blob", blob, 0600, e -> { }).bytes()));
        try (TarArchiveInputStream in = new TarArchiveInputStream(cell.client.streamOut(h, "/data/blob", ""))) {
            TarArchiveEntry e = in.getNextEntry();
            assertEquals("blob", e.getName());
            assertEquals(0600, e.getMode() & 07777);
            assertTrue(Arrays.equals(blob, in.readAllBytes()));
        }
    }

    @Test
    void aMissingOrUnreadableSourceIsAGardenErrorNotABrokenTar() {
        String h = cell.client.create("files-out-err");
        addUser(h, "alice", 1001, 1001);
        GardenClientException missing = assertThrows(GardenClientException.class,
                () -> cell.client.streamOut(h, "/no/such/thing", ""));
        assertEquals(500, missing.status());
        assertTrue(missing.getMessage().contains("No such file"), missing.getMessage());
        exec(h, "sh", "-c", "echo secret > /root-only && chmod 600 /root-only");
        GardenClientException denied = assertThrows(GardenClientException.class,
                () -> cell.client.streamOut(h, "/root-only", "alice"));
        assertTrue(denied.getMessage().contains("Permission denied"), denied.getMessage());
    }

    @Test
    void unknownContainersAreNotFoundBothWays() {
        GardenClientException in = assertThrows(GardenClientException.class, () -> cell.client.streamIn("nope", "/", "",
                new ByteArrayInputStream(new TarBuilder().bytes())));
        assertEquals(404, in.status());
        assertEquals("ContainerNotFoundError", in.type());
        GardenClientException out = assertThrows(GardenClientException.class, () -> cell.client.streamOut("nope", "/", ""));
        assertEquals(404, out.status());
    }

    @Test
    void aStreamLongerThanTheGraceTimeKeepsTheContainer() {
        String h = cell.client.create(Json.createObjectBuilder().add("handle", "files-slow")
                .add("grace_time", Duration.ofSeconds(2).toNanos()).build());
        byte[] tar = new TarBuilder().file("slow", "x".repeat(10_000)).bytes();
        // Hands out 2 KiB every 400 ms, so the upload takes longer than the grace time.
        InputStream slow = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < tar.length ? tar[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= tar.length) {
                    return -1;
                }
                TestCell.sleep(Duration.ofMillis(400));
                int n = Math.min(Math.min(len, 2048), tar.length - i);
                System.arraycopy(tar, i, b, off, n);
                i += n;
                return n;
            }
        };
        cell.client.streamIn(h, "/tmp", "", slow);
        assertTrue(cell.client.list(Map.of()).contains(h));
    }

    // ---- hostile input ----------------------------------------------------------------------------

    @Test
    void entriesClimbingOutWithDotDotAreRefused() {
        String h = cell.client.create("files-dotdot");
        refusedIn(h, "/tmp", new TarBuilder().file("../../../../../../../../tmp/gh-files-pwned", "x").bytes(), "..");
        refusedIn(h, "/tmp", new TarBuilder().file("a/../../../../../../../../../var/tmp/gh-files-pwned", "x").bytes(), "..");
        stillUsable(h);
    }

    @Test
    void absoluteEntryNamesAreRefused() {
        String h = cell.client.create("files-abs");
        refusedIn(h, "/tmp", new TarBuilder().file("/tmp/gh-files-pwned", "x").bytes(), "absolute");
        refusedIn(h, "/tmp", new TarBuilder().file("/" + "d/".repeat(60) + "../../etc/gh-files-pwned", "x").bytes(), "");
        assertFalse(Files.exists(rootfs(h).resolve("tmp/gh-files-pwned")));
        stillUsable(h);
    }

    @Test
    void anEntryWrittenThroughASymlinkOfTheSameStreamIsRefused() {
        String h = cell.client.create("files-symlink");
        refusedIn(h, "/tmp", new TarBuilder()
                .link(TarConstants.LF_SYMLINK, "escape", "../../../../../../../..")
                .file("escape/tmp/gh-files-pwned", "x")
                .bytes(), "through symlink");
        refusedIn(h, "/tmp", new TarBuilder()
                .link(TarConstants.LF_SYMLINK, "etc", "/etc")
                .file("etc/gh-files-pwned", "x")
                .bytes(), "through symlink");
        assertFalse(Files.exists(rootfs(h).resolve("etc/gh-files-pwned")));
        stillUsable(h);
    }

    @Test
    void hardLinksToAnythingOutsideTheStreamAreRefused() throws IOException {
        String h = cell.client.create("files-hardlink");
        Files.writeString(Path.of("/tmp/gh-files-hardlink-victim"), "host secret");
        try {
            refusedIn(h, "/tmp", new TarBuilder().link(TarConstants.LF_LINK, "stolen", "/tmp/gh-files-hardlink-victim").bytes(), "absolute");
            refusedIn(h, "/tmp", new TarBuilder().link(TarConstants.LF_LINK, "shadow", "../etc/shadow").bytes(), "");
            refusedIn(h, "/tmp", new TarBuilder().link(TarConstants.LF_LINK, "passwd", "etc/passwd").bytes(), "hard link");
            assertEquals(1L, ((Number) Files.getAttribute(Path.of("/tmp/gh-files-hardlink-victim"), "unix:nlink")).longValue());
        } finally {
            Files.deleteIfExists(Path.of("/tmp/gh-files-hardlink-victim"));
        }
        stillUsable(h);
    }

    @Test
    void aDestinationThatIsASymlinkIsRefusedWhereverItPoints() {
        String h = cell.client.create("files-dest-link");
        exec(h, "ln", "-s", "/", "/tmp/toroot");
        exec(h, "ln", "-s", "/var/tmp", "/tmp/tohost");
        exec(h, "ln", "-s", "/proc/1/root", "/tmp/magic");
        refusedIn(h, "/tmp/toroot", new TarBuilder().file("gh-files-pwned", "x").bytes(), "symlink");
        refusedIn(h, "/tmp/tohost", new TarBuilder().file("gh-files-pwned", "x").bytes(), "symlink");
        refusedIn(h, "/tmp/magic/etc", new TarBuilder().file("gh-files-pwned", "x").bytes(), "");
        assertFalse(Files.exists(rootfs(h).resolve("gh-files-pwned")));
        assertFalse(Files.exists(rootfs(h).resolve("var/tmp/gh-files-pwned")));
        assertFalse(Files.exists(rootfs(h).resolve("etc/gh-files-pwned")));
        stillUsable(h);
    }

    @Test
    void aSourceThatIsASymlinkIsRefused() {
        String h = cell.client.create("files-src-link");
        exec(h, "ln", "-s", "/", "/tmp/toroot");
        exec(h, "ln", "-s", "/etc/hostname", "/tmp/tofile");
        for (String source : List.of("/tmp/toroot", "/tmp/toroot/", "/tmp/tofile")) {
            GardenClientException e = assertThrows(GardenClientException.class, () -> cell.client.streamOut(h, source, ""));
            assertTrue(e.getMessage().contains("symlink"), source + ": " + e.getMessage());
        }
        stillUsable(h);
    }

    @Test
    void deviceNodesAreRefusedInAnUnprivilegedContainer() {
        String h = cell.client.create("files-dev");
        refusedIn(h, "/tmp", new TarBuilder().device(TarConstants.LF_BLK, "disk", 8, 0).bytes(), "device node");
        refusedIn(h, "/tmp", new TarBuilder().device(TarConstants.LF_CHR, "kmem", 1, 2).bytes(), "device node");
        assertFalse(Files.exists(rootfs(h).resolve("tmp/disk"), LinkOption.NOFOLLOW_LINKS));
        stillUsable(h);
    }

    @Test
    void aPrivilegedContainerMayReceiveDeviceNodes() {
        String h;
        try {
            h = cell.client.create(Json.createObjectBuilder().add("handle", "files-priv-dev").add("privileged", true).build());
        } catch (GardenClientException e) {
            // Privileged containers do not start on every host yet (runc: "unable to apply caps").
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no privileged container here: " + e.getMessage());
            return;
        }
        cell.client.streamIn(h, "/tmp", "", new ByteArrayInputStream(new TarBuilder().device(TarConstants.LF_CHR, "null2", 1, 3).bytes()));
        String listing = exec(h, "ls", "-l", "/tmp/null2");
        assertTrue(listing.startsWith("c") && listing.contains("1,") && listing.contains("3"), listing);
    }

    @Test
    void truncatedOrGarbageStreamsAreErrors() {
        String h = cell.client.create("files-garbage");
        byte[] tar = new TarBuilder().dir("d").file("d/f", "x".repeat(5000)).bytes();
        refusedIn(h, "/tmp/t1", Arrays.copyOf(tar, 10), "");
        refusedIn(h, "/tmp/t2", Arrays.copyOf(tar, 2000), "truncated");
        refusedIn(h, "/tmp/t3", new byte[0], "");
        byte[] garbage = new byte[8192];
        new java.util.Random(5).nextBytes(garbage);
        refusedIn(h, "/tmp/t4", garbage, "");
        stillUsable(h);
    }

    @Test
    void aTarBombBeyondTheConfiguredMaximumIsRefusedAtItsHeader() throws IOException {
        String h = cell.client.create("files-bomb");
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        TarArchiveOutputStream t = new TarArchiveOutputStream(header);
        t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        TarArchiveEntry e = new TarArchiveEntry("bomb");
        e.setSize(1L << 40);
        t.putArchiveEntry(e);
        t.flush();
        // Only the header is sent: the refusal must come from the header, not from the content.
        refusedIn(h, "/tmp", Arrays.copyOf(header.toByteArray(), 512), "bytes of content");
        assertFalse(Files.exists(rootfs(h).resolve("tmp/bomb")));
        stillUsable(h);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Path rootfs(String handle) {
        return cell.depot.resolve(handle).resolve("rootfs");
    }

    private String exec(String handle, String... command) {
        List<String> c = new ArrayList<>(List.of(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", handle));
        c.addAll(List.of(command));
        return TestCell.run(c.toArray(String[]::new));
    }

    private String execAs(String handle, String user, String... command) {
        List<String> c = new ArrayList<>(List.of(cell.runtimeBinary, "--root", cell.runtimeRoot.toString(), "exec", "--user", user,
                "--cwd", "/", handle));
        c.addAll(List.of(command));
        return TestCell.run(c.toArray(String[]::new));
    }

    private void addUser(String handle, String name, int uid, int gid) {
        exec(handle, "sh", "-c", "echo '" + name + ":x:" + uid + ":" + gid + "::/home/" + name + ":/bin/sh' >> /etc/passwd"
                + " && echo '" + name + ":x:" + gid + ":' >> /etc/group"
                + " && mkdir -p /home/" + name + " && chown " + uid + ":" + gid + " /home/" + name
                + " && chmod 700 /home/" + name);
    }

    private void refusedIn(String handle, String destination, byte[] tar, String messagePart) {
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> cell.client.streamIn(handle, destination, "", new ByteArrayInputStream(tar)));
        assertEquals(500, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertTrue(e.getMessage().startsWith("error streaming in"), e.getMessage());
    }

    /** After a refused stream the container still takes and gives files. */
    private void stillUsable(String handle) {
        cell.client.streamIn(handle, "/tmp/usable", "", new ByteArrayInputStream(new TarBuilder().file("ok", "fine").bytes()));
        try (TarArchiveInputStream in = new TarArchiveInputStream(cell.client.streamOut(handle, "/tmp/usable/ok", ""))) {
            assertEquals("ok", in.getNextEntry().getName());
            assertEquals("fine", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> names(InputStream tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    private HttpResponse<String> put(String handle, String destination, String user, byte[] tar) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(cell.url.resolve("/containers/" + handle
                            + "/files?destination=" + destination + "&user=" + user))
                    .header("Content-Type", "application/x-tar")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(tar)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
