package io.greenhouse.image;

import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.backend.RootfsProviderContract;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.Syscalls;
import io.greenhouse.testsupport.ServerEnv;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image provider (local directories here) against the root filesystem contract, with real overlay mounts (needs root)
 * of the test cell's default root filesystem in a temporary directory.
 */
class ImageRootfsProviderIT extends RootfsProviderContract {
    private final Path image = ServerEnv.testCell().defaultRootfs();

    @Override
    protected RootfsProvider newProvider() {
        Syscalls syscalls = new Syscalls();
        LayerStore store = new LayerStore(work.resolve("layers"), syscalls, ImageEvents.NONE,
                java.time.Clock.systemUTC(), 1, java.time.Duration.ofMillis(1));
        RegistryClient client = new RegistryClient(new RegistrySettings(java.util.Set.of(), "",
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 1, java.time.Duration.ofMillis(1)));
        return new ImageRootfsProvider(image, syscalls, store, client, ImageEvents.NONE, Long.MAX_VALUE);
    }

    @Override
    protected boolean isMounted(Path path) {
        return MountTable.mountPoints().contains(path.toString());
    }

    @Test
    void aContainersWritesStayInItsOwnLayer() throws Exception {
        RootfsProvider rootfs = newProvider();
        Path dir = Files.createDirectories(work.resolve("writer"));
        try {
            Path root = rootfs.create("writer", ImageRef.DEFAULT, dir).path();
            assertTrue(Files.exists(root.resolve("bin/sh")), "the image is visible");
            Files.writeString(root.resolve("only-in-writer"), "mine");
            assertFalse(Files.exists(image.resolve("only-in-writer")), "the image is untouched");
        } finally {
            rootfs.destroy("writer", dir);
        }
    }
}
