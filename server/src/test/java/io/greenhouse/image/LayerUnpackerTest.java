package io.greenhouse.image;

import io.greenhouse.linux.Syscalls;
import io.greenhouse.testsupport.HostTraces;
import io.greenhouse.testsupport.TarBuilder;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unpacks real tars into real directories (as root: owners, device nodes and trusted xattrs). */
class LayerUnpackerTest {
    private final LayerUnpacker unpacker = new LayerUnpacker(new Syscalls());

    @TempDir
    Path tmp;

    private Path unpack(TarBuilder tar) throws Exception {
        Path root = Files.createTempDirectory(tmp, "layer");
        unpacker.unpack(new ByteArrayInputStream(tar.bytes()), root);
        return root;
    }

    @Test
    void filesDirectoriesOwnersAndEveryModeBit() throws Exception {
        Path root = unpack(new TarBuilder()
                .dir("./etc")
                .file("./etc/hello", "hi\n", 0644, e -> { e.setUserId(1000); e.setGroupId(1001); })
                .file("usr/bin/su", "x", 04755, e -> { })
                .dir("tmp").link(TarConstants.LF_SYMLINK, "bin", "usr/bin"));
        assertEquals("hi\n", Files.readString(root.resolve("etc/hello")));
        assertEquals(1000, Files.getAttribute(root.resolve("etc/hello"), "unix:uid"));
        assertEquals(1001, Files.getAttribute(root.resolve("etc/hello"), "unix:gid"));
        assertEquals(0104755, (int) Files.getAttribute(root.resolve("usr/bin/su"), "unix:mode"));
        // a parent the tar does not list is made 0755, as Docker does
        assertEquals(040755, (int) Files.getAttribute(root.resolve("usr"), "unix:mode"));
        assertEquals(Path.of("usr/bin"), Files.readSymbolicLink(root.resolve("bin")));
    }

    @Test
    void whiteoutsBecomeZeroZeroCharacterDevices() throws Exception {
        Path root = unpack(new TarBuilder().dir("etc").file("etc/.wh.motd", ""));
        Path whiteout = root.resolve("etc/motd");
        int mode = (int) Files.getAttribute(whiteout, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020000, mode & 0170000, "a character device");
        assertEquals(0L, ((Number) Files.getAttribute(whiteout, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
        assertFalse(Files.exists(root.resolve("etc/.wh.motd"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void opaqueDirectoriesGetTheOverlayXattr() throws Exception {
        Path root = unpack(new TarBuilder().dir("var/cache").file("var/cache/.wh..wh..opq", "").file("var/cache/new", "n"));
        assertEquals("y", HostTraces.run("getfattr", "--absolute-names", "--only-values", "-n", "trusted.overlay.opaque",
                root.resolve("var/cache").toString()).strip());
        assertFalse(Files.exists(root.resolve("var/cache/.wh..wh..opq")));
        assertTrue(Files.exists(root.resolve("var/cache/new")));
    }

    @Test
    void hardLinksShareTheirInode() throws Exception {
        Path root = unpack(new TarBuilder().file("bin/busybox", "bb", 0755, e -> { })
                .link(TarConstants.LF_LINK, "bin/sh", "bin/busybox"));
        assertEquals(Files.getAttribute(root.resolve("bin/busybox"), "unix:ino"),
                Files.getAttribute(root.resolve("bin/sh"), "unix:ino"));
    }

    @Test
    void xattrsAreKeptButOverlayOnesDropped() throws Exception {
        Path root = unpack(new TarBuilder().file("f", "x", 0644, e -> {
            e.addPaxHeader("SCHILY.xattr.user.colour", "green");
            e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
        }));
        String dump = HostTraces.run("getfattr", "--absolute-names", "-d", "-m", "-", root.resolve("f").toString());
        assertTrue(dump.contains("user.colour=\"green\""), dump);
        assertFalse(dump.contains("overlay"), dump);
    }

    @Test
    void devicesAndFifos() throws Exception {
        Path root = unpack(new TarBuilder().device(TarConstants.LF_CHR, "dev/null", 1, 3)
                .device(TarConstants.LF_FIFO, "run/pipe", 0, 0));
        int mode = (int) Files.getAttribute(root.resolve("dev/null"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0020000, mode & 0170000);
        assertEquals(0666, mode & 07777);
        assertTrue(Files.exists(root.resolve("run/pipe"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void laterEntriesReplaceEarlierOnes() throws Exception {
        Path root = unpack(new TarBuilder().file("a", "old").file("a", "new").dir("d").file("d/x", "x").file("d", "now a file"));
        assertEquals("new", Files.readString(root.resolve("a")));
        assertEquals("now a file", Files.readString(root.resolve("d")));
    }

    @Test
    void dotDotIsRefused() {
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder().file("../escaped", "x")));
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder().file("a/../../escaped", "x")));
        assertFalse(Files.exists(tmp.resolve("escaped")));
    }

    @Test
    void absoluteNamesStayInside() throws Exception {
        Path root = unpack(new TarBuilder().file("/etc/inside", "x"));
        assertTrue(Files.exists(root.resolve("etc/inside")));
    }

    @Test
    void entriesThroughASymlinkAreRefused() throws Exception {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder()
                .link(TarConstants.LF_SYMLINK, "etc", outside.toString()).file("etc/passwd", "pwned")));
        assertFalse(Files.exists(outside.resolve("passwd")));
    }

    @Test
    void hardLinksOutOfTheLayerAreRefused() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "s");
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder()
                .link(TarConstants.LF_LINK, "copy", "../secret")));
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder()
                .link(TarConstants.LF_LINK, "copy", secret.toString())));
        Path outside = Files.createDirectories(tmp.resolve("out2"));
        Files.writeString(outside.resolve("s"), "s");
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder()
                .link(TarConstants.LF_SYMLINK, "l", outside.toString()).link(TarConstants.LF_LINK, "copy", "l/s")));
    }

    @Test
    void badWhiteoutsAreRefused() {
        assertThrows(HostileLayerException.class, () -> unpack(new TarBuilder().file("etc/.wh..", "")));
    }
}
