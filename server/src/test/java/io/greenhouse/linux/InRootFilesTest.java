package io.greenhouse.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server resolves a root filesystem's paths as the helpers do (inroot.h): inside it. */
class InRootFilesTest {
    private final InRootFiles files = new InRootFiles(new Syscalls());

    @Test
    void symlinksResolveInsideTheRoot(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host");
        Files.createDirectories(root.resolve("home/app"));
        Files.writeString(root.resolve("home/app/file"), "mine");
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/home/app"));
        Files.createSymbolicLink(root.resolve("climb"), Path.of("../../../../outside"));
        Files.createSymbolicLink(root.resolve("host"), outside);

        assertTrue(files.isDirectory(root, "/abs"));
        // ".." after a symlink is the parent of its target, as in the kernel.
        assertTrue(files.isDirectory(root, "abs/../app/."));
        assertFalse(files.isDirectory(root, "abs/../home"));
        assertTrue(files.isDirectory(root, "/../../.."));
        assertArrayEquals("mine".getBytes(StandardCharsets.UTF_8), files.readRegularFile(root, "/abs/file", 100));
        assertFalse(files.isDirectory(root, "/climb"));
        assertFalse(files.isDirectory(root, "/host"));
        assertNull(files.readRegularFile(root, "/climb/secret", 100));
        assertNull(files.readRegularFile(root, "/host/secret", 100));
        assertNull(files.readRegularFile(root, "/../outside/secret", 100));
    }

    @Test
    void onlySmallRegularFilesAreRead(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("big"), "0123456789");
        Files.createDirectories(root.resolve("dir"));
        assertNull(files.readRegularFile(root, "/big", 9));
        assertArrayEquals("0123456789".getBytes(StandardCharsets.UTF_8), files.readRegularFile(root, "/big", 10));
        assertNull(files.readRegularFile(root, "/dir", 100));
        assertNull(files.readRegularFile(root, "/absent", 100));
        assertNull(files.readRegularFile(tmp.resolve("no-root"), "/big", 100));
        assertFalse(files.isDirectory(root, "/big"));
    }

    @Test
    void magicLinksAreRefused() {
        assertFalse(files.isDirectory(Path.of("/"), "/proc/self/root/tmp"));
        assertTrue(files.isDirectory(Path.of("/"), "/proc/self"));
    }
}
