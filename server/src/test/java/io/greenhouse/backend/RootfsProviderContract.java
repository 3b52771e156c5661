package io.greenhouse.backend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link RootfsProvider} does, the unit tests' double (FakeRootfsTest) and the overlay
 * provider with real mounts (OverlayRootfsProviderIT) alike. Each test's containers get
 * directories of their own in a temporary directory; whatever a test mounted is destroyed after it.
 */
public abstract class RootfsProviderContract {
    private RootfsProvider rootfs;
    private final List<String> created = new ArrayList<>();
    /** Where the test makes its containers' directories (unmounted before it is deleted). */
    @TempDir
    protected Path work;

    protected abstract RootfsProvider newProvider();

    /** Whether something is mounted at this path (the fake: whether it says so). */
    protected abstract boolean isMounted(Path path);

    /** An image reference the provider cannot turn into a root filesystem. */
    protected ImageRef missingImage() {
        return new ImageRef("/nonexistent/greenhouse-contract-image", "", "");
    }

    @BeforeEach
    void freshProvider() {
        rootfs = newProvider();
    }

    @AfterEach
    void destroyWhatWasMade() {
        for (String handle : created) {
            rootfs.destroy(handle, work.resolve(handle));
        }
    }

    private Path directory(String handle) {
        Path dir = work.resolve(handle);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        created.add(handle);
        return dir;
    }

    @Test
    void theDefaultImageIsMountedAtTheMountPoint() {
        Path dir = directory("default-image");
        RootfsProvider.Rootfs made = rootfs.create("default-image", ImageRef.DEFAULT, dir);
        assertEquals(rootfs.mountPoint(dir), made.path());
        assertTrue(isMounted(made.path()), made.path() + " is mounted");
        assertNotNull(made.env());
    }

    @Test
    void theMountPointLiesInTheContainersDirectory() {
        Path dir = directory("inside");
        assertTrue(rootfs.mountPoint(dir).startsWith(dir), rootfs.mountPoint(dir).toString());
    }

    @Test
    void destroyUnmounts() {
        Path dir = directory("unmounted");
        Path path = rootfs.create("unmounted", ImageRef.DEFAULT, dir).path();
        rootfs.destroy("unmounted", dir);
        assertFalse(isMounted(path));
    }

    @Test
    void destroyIsSafeWhenNothingOrNothingMoreIsThere() {
        Path dir = directory("twice");
        rootfs.destroy("twice", dir);
        rootfs.create("twice", ImageRef.DEFAULT, dir);
        rootfs.destroy("twice", dir);
        rootfs.destroy("twice", dir);
        assertFalse(isMounted(rootfs.mountPoint(dir)));
    }

    @Test
    void eachContainerGetsARootfsOfItsOwn() {
        Path a = rootfs.create("own-a", ImageRef.DEFAULT, directory("own-a")).path();
        Path b = rootfs.create("own-b", ImageRef.DEFAULT, directory("own-b")).path();
        assertNotEquals(a, b);
        assertTrue(isMounted(a) && isMounted(b));
    }

    @Test
    void anImageThatIsNotThereIsAGardenErrorAndMountsNothing() {
        Path dir = directory("no-image");
        assertThrows(GardenException.class, () -> rootfs.create("no-image", missingImage(), dir));
        assertFalse(isMounted(rootfs.mountPoint(dir)));
    }

    @Test
    void registryImagesAreRefusedForNow() {
        Path dir = directory("registry");
        assertThrows(GardenException.class,
                () -> rootfs.create("registry", new ImageRef("docker:///busybox", "", ""), dir));
        assertFalse(isMounted(rootfs.mountPoint(dir)));
    }
}
