package io.greenhouse.process;

import io.greenhouse.backend.GardenException;
import io.greenhouse.linux.InRootFiles;
import io.greenhouse.linux.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerUsersTest {
    private static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            alice:x:1000:1001:Alice:/home/alice:/bin/sh
            # a comment
            broken line
            bob:x:1002:1002::/home/bob:/bin/sh
            """;
    private static final String GROUP = """
            root:x:0:
            alices:x:1001:
            staff:x:50:alice,bob
            video:x:44:alice
            """;
    private final ContainerUsers users = new ContainerUsers(PASSWD, GROUP);
    private final InRootFiles files = new InRootFiles(new Syscalls());

    @Test
    void anEmptyUserIsRoot() {
        ExecUser root = users.resolve("");
        assertEquals(0, root.uid());
        assertEquals("/root", root.home());
        assertEquals("root", root.name());
    }

    @Test
    void aNameResolvesToItsIdsHomeAndSupplementaryGroups() {
        ExecUser alice = users.resolve("alice");
        assertEquals(1000, alice.uid());
        assertEquals(1001, alice.gid());
        assertEquals("/home/alice", alice.home());
        assertEquals(List.of(50, 44), alice.additionalGids());
    }

    @Test
    void uidAndGidMayBeNumbersTheDatabaseDoesNotKnow() {
        ExecUser u = users.resolve("4321:4322");
        assertEquals(4321, u.uid());
        assertEquals(4322, u.gid());
        assertEquals("/", u.home());
        assertEquals(1000, users.resolve("1000").uid());
        assertEquals("alice", users.resolve("1000").name());
    }

    @Test
    void aGroupNameSetsThePrimaryGroupAndNoSupplementaryOnes() {
        ExecUser bob = users.resolve("bob:staff");
        assertEquals(50, bob.gid());
        assertEquals(List.of(), bob.additionalGids());
        assertEquals(List.of(), users.resolve("alice:video").additionalGids());
    }

    @Test
    void aPrimaryGroupThatListsTheUserIsAmongItsSupplementaryGroups() {
        // The upstream users spec: alice 1001:1010, listed in 1010 and 1011, has Groups: 1010 1011.
        ContainerUsers db = new ContainerUsers("alice:x:1001:1010::/home/alice:/bin/sh\n",
                "alice:x:1010:alice\nextra:x:1011:alice\nother:x:1012:bob\n");
        assertEquals(List.of(1010, 1011), db.resolve("alice").additionalGids());
    }

    @Test
    void unknownUsersAndGroupsAreClearErrors() {
        GardenException e = assertThrows(GardenException.class, () -> users.resolve("mallory"));
        assertTrue(e.getMessage().contains("unable to find user mallory"), e.getMessage());
        GardenException g = assertThrows(GardenException.class, () -> users.resolve("alice:nogroup"));
        assertTrue(g.getMessage().contains("unable to find group nogroup"), g.getMessage());
    }

    @Test
    void symlinksInsideTheRootfsAreFollowedAsTheContainerWould(@TempDir Path tmp) throws Exception {
        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("usr/lib"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("usr/lib/passwd"), "carol:x:1200:1300::/home/carol:/bin/sh\n");
        Files.writeString(rootfs.resolve("usr/lib/group"), "ops:x:1400:carol\n");
        // Absolute (starts at the rootfs, not the host's /) and relative with ".." past the top.
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/usr/lib/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/group"), Path.of("../../../../../usr/lib/group"));
        ExecUser carol = ContainerUsers.of(files, rootfs).resolve("carol");
        assertEquals(1200, carol.uid());
        assertEquals(1300, carol.gid());
        assertEquals(List.of(1400), carol.additionalGids());
    }

    @Test
    void aFifoIsNeverOpened(@TempDir Path tmp) throws Exception {
        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("etc"));
        assertEquals(0, new ProcessBuilder("mkfifo", rootfs.resolve("etc/passwd").toString()).start().waitFor());
        assertThrows(GardenException.class, () -> ContainerUsers.of(files, rootfs).resolve("mallory"));
    }

    @Test
    void aPasswdSymlinkedOutOfTheRootfsIsNotFollowed(@TempDir Path tmp) throws Exception {
        Path host = tmp.resolve("host-passwd");
        Files.writeString(host, "mallory:x:0:0::/:/bin/sh\n");
        Path rootfs = tmp.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), host);
        ContainerUsers linked = ContainerUsers.of(files, rootfs);
        assertThrows(GardenException.class, () -> linked.resolve("mallory"));
        assertEquals(0, linked.resolve("").uid());
    }

    @Test
    void anEtcSymlinkedOutOfTheRootfsIsNotFollowed(@TempDir Path tmp) throws Exception {
        Path hostEtc = Files.createDirectories(tmp.resolve("host-etc"));
        Files.writeString(hostEtc.resolve("passwd"), "mallory:x:0:0::/:/bin/sh\n");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createSymbolicLink(rootfs.resolve("etc"), hostEtc);
        assertThrows(GardenException.class, () -> ContainerUsers.of(files, rootfs).resolve("mallory"));
    }
}
