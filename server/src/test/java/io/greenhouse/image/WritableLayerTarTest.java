package io.greenhouse.image;

import io.greenhouse.linux.Syscalls;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A writable layer to a layer tar and back, as a checkpoint moves it between cells (issue 16). */
class WritableLayerTarTest {
    private final Syscalls syscalls = new Syscalls();
    private final WritableLayerTar layers = new WritableLayerTar(syscalls);

    @TempDir
    Path tmp;

    @Test
    void filesLinksWhiteoutsAndOpaqueDirectoriesComeBackAsTheyWere() throws IOException {
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        Files.createDirectories(upper.resolve("tmp/deep"));
        Files.writeString(upper.resolve("tmp/count"), "42\n");
        Files.writeString(upper.resolve("tmp/deep/file"), "x".repeat(100_000));
        Files.createLink(upper.resolve("tmp/hard"), upper.resolve("tmp/count"));
        Files.createSymbolicLink(upper.resolve("tmp/link"), Path.of("/etc/passwd"));
        syscalls.makeNode(upper.resolve("tmp/gone").toString(), Syscalls.S_IFCHR, 0, 0);
        Files.createDirectories(upper.resolve("opaque"));
        syscalls.setXattr(upper.resolve("opaque").toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
        syscalls.lchown(upper.resolve("tmp/count").toString(), 1234, 5678);
        syscalls.chmod(upper.resolve("tmp/count").toString(), 04751);

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        layers.pack(upper, tar);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.toByteArray()))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        assertTrue(names.contains("tmp/.wh.gone"), names::toString);
        assertTrue(names.contains("opaque/.wh..wh..opq"), names::toString);

        Path back = Files.createDirectories(tmp.resolve("back"));
        layers.unpack(new ByteArrayInputStream(tar.toByteArray()), back);
        assertEquals("42\n", Files.readString(back.resolve("tmp/count")));
        assertEquals(100_000, Files.size(back.resolve("tmp/deep/file")));
        assertEquals(Files.getAttribute(back.resolve("tmp/count"), "unix:ino"), Files.getAttribute(back.resolve("tmp/hard"), "unix:ino"));
        assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(back.resolve("tmp/link")));
        assertEquals(0, (Long) Files.getAttribute(back.resolve("tmp/gone"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0020000, (Integer) Files.getAttribute(back.resolve("tmp/gone"), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        assertArrayEquals("y".getBytes(StandardCharsets.US_ASCII), syscalls.getXattr(back.resolve("opaque").toString(),
                "trusted.overlay.opaque").orElseThrow());
        assertEquals(1234, Files.getAttribute(back.resolve("tmp/count"), "unix:uid"));
        assertEquals(5678, Files.getAttribute(back.resolve("tmp/count"), "unix:gid"));
        assertEquals(04751, (Integer) Files.getAttribute(back.resolve("tmp/count"), "unix:mode") & 07777);
        assertTrue(syscalls.getXattr(back.resolve("tmp").toString(), "trusted.overlay.opaque").isEmpty());
    }
}
