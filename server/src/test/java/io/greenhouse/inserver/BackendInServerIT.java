package io.greenhouse.inserver;

import io.greenhouse.testsupport.HostTraces;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.Container;
import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.GardenBackend;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.wiring.Settings;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs inside a Liberty server of its own (Arquillian managed container): the CDI-produced backend
 * creates and destroys real runC containers from the default rootfs in the server's own depot.
 */
@ExtendWith(ArquillianExtension.class)
class BackendInServerIT {

    @Deployment
    static WebArchive cell() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/greenhouse.war"))
                .addClasses(BackendInServerIT.class, HostTraces.class);
    }

    @Inject
    GardenBackend backend;

    @Inject
    Settings settings;

    private HostTraces traces() {
        return new HostTraces(settings.depot(), settings.runtimeBinary(), settings.runtimeRoot(),
                settings.cgroupParent());
    }

    @BeforeEach
    void startFromAnEmptyCell() {
        backend.handles(Map.of()).forEach(backend::destroy);
    }

    @AfterEach
    void nothingLeaks() {
        backend.handles(Map.of()).forEach(backend::destroy);
        assertEquals(List.of(), traces().leftovers());
    }

    @Test
    void serverUsesItsOwnDepotRuntimeRootAndCgroupParent() {
        assertEquals(Path.of(System.getProperty("greenhouse.depot.dir")), settings.depot());
        assertEquals(Path.of(System.getProperty("greenhouse.runtime.root")), settings.runtimeRoot());
        assertEquals(System.getProperty("greenhouse.cgroup.parent"), settings.cgroupParent());
        assertFalse(settings.depot().startsWith("/var/lib/greenhouse"), settings.depot().toString());
    }

    @Test
    void createdContainerRunsInRuncOnAnOverlayOfTheDefaultRootfs() throws Exception {
        Container c = backend.create(spec("inserver-runs", Map.of("owner", "arquillian"), List.of()));

        String state = HostTraces.run(settings.runtimeBinary(), "--root", settings.runtimeRoot().toString(),
                "state", c.handle());
        assertTrue(state.contains("\"status\": \"running\""), state);
        Path rootfs = settings.depot().resolve(c.handle()).resolve("rootfs");
        assertTrue(HostTraces.mountPoints().contains(rootfs.toString()), "rootfs mounted at " + rootfs);
        assertTrue(Files.isRegularFile(settings.defaultRootfs().resolve("bin/busybox")));
        assertTrue(Files.exists(rootfs.resolve("bin/busybox")), "image visible through the overlay");
        assertTrue(Files.exists(settings.depot().resolve(c.handle()).resolve("container.json")));
        assertEquals(List.of(c.handle()), backend.handles(Map.of("owner", "arquillian")));
        assertEquals(List.of(), backend.handles(Map.of("owner", "someone-else")));
        assertEquals("active", c.info().state());
        assertTrue(effectiveCapabilities(state) != 0, "init runs with effective capabilities");

        backend.destroy(c.handle());
        assertEquals(List.of(), traces().leftovers());
    }

    @Test
    void failedCreateRollsBackAndFreesTheHandle() {
        BindMount missing = new BindMount("/nonexistent/greenhouse-source", "/mnt", false, false);
        assertThrows(GardenException.class,
                () -> backend.create(spec("inserver-fails", Map.of(), List.of(missing))));
        assertEquals(List.of(), backend.handles(Map.of()));
        assertEquals(List.of(), traces().leftovers());

        Container again = backend.create(spec("inserver-fails", Map.of(), List.of()));
        assertEquals("inserver-fails", again.handle());
    }

    /** CapEff of the process whose pid the runtime's state JSON names. */
    private static long effectiveCapabilities(String stateJson) throws Exception {
        String pid = stateJson.replaceAll("(?s).*\"pid\": (\\d+).*", "$1");
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                .filter(l -> l.startsWith("CapEff:"))
                .map(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16))
                .findFirst().orElseThrow();
    }

    private static ContainerSpec spec(String handle, Map<String, String> properties, List<BindMount> mounts) {
        return new ContainerSpec(handle, Duration.ZERO, ImageRef.DEFAULT, mounts, "", properties, List.of(),
                false, ResourceLimits.NONE, null, null);
    }
}
