package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiskLimitsTest extends BackendFixture {
    private final GardenBackend backend = started(10, Duration.ZERO);

    private static ContainerSpec limited(String handle, long bytes, long inodes, boolean exclusive) {
        ResourceLimits limits = new ResourceLimits(0, 0, 0, 0,
                new ResourceLimits.DiskLimits(0, inodes, 0, bytes, exclusive), 0, 0);
        return new ContainerSpec(handle, null, null, null, null, Map.of(), List.of(), false, limits, null, null);
    }

    @Test
    void theWritableLayerIsPlacedInTheStoreBeforeTheRootfsIsMadeOverIt() {
        Container c = backend.create(spec("plain"));
        assertEquals(c.directory().resolve(RootfsProvider.WRITABLE_LAYER), diskQuota.placed.get("plain"));
        assertFalse(diskQuota.limits.containsKey("plain"), "no disk_limits: no quota limit");
    }

    @Test
    void scopeExclusiveLimitsTheLayerToTheSpecsValues() {
        rootfs.imageSize = new DiskUsage(4_000_000, 300, 0, 0);
        backend.create(limited("excl", 10_000_000, 1000, true));
        assertArrayEquals(new long[] {10_000_000, 1000}, diskQuota.limits.get("excl"));
    }

    @Test
    void scopeTotalLeavesTheLayerWhatTheImageDoesNotUse() {
        rootfs.imageSize = new DiskUsage(4_000_000, 300, 0, 0);
        backend.create(limited("total", 10_000_000, 1000, false));
        assertArrayEquals(new long[] {6_000_000, 700}, diskQuota.limits.get("total"));
    }

    @Test
    void aTotalLimitTheImageAloneExceedsIsRefusedAndLeavesNothing() {
        rootfs.imageSize = new DiskUsage(12_000_000, 300, 0, 0);
        GardenException e = assertThrows(GardenException.class,
                () -> backend.create(limited("small", 10_000_000, 0, false)));
        assertTrue(e.getMessage().contains("the image alone uses 12000000 bytes"), e.getMessage());
        assertTrue(diskQuota.placed.isEmpty(), "the layer's directory is released");
        assertTrue(rootfs.mounted.isEmpty());
        assertTrue(store.loadAll().isEmpty());
    }

    @Test
    void destroyReleasesTheLayerAfterTheRootfsIsUnmounted() {
        backend.create(limited("gone", 10_000_000, 0, true));
        backend.destroy("gone");
        assertTrue(diskQuota.placed.isEmpty());
        assertTrue(diskQuota.limits.isEmpty());
    }

    @Test
    void aFailedPlacementMakesNoRootfs() {
        diskQuota.placeFailure = new GardenException("store full");
        assertThrows(GardenException.class, () -> backend.create(spec("nope")));
        assertTrue(rootfs.mounted.isEmpty());
    }

    @Test
    void metricsComeFromTheQuotaAccountingPlusTheImage() {
        rootfs.imageSize = new DiskUsage(4_000_000, 300, 0, 0);
        Container c = backend.create(spec("metered"));
        diskQuota.usage.put("metered", new DiskUsage(5_242_880, 3, 5_242_880, 3));
        DiskMeter walk = (h, d) -> {
            throw new AssertionError("no tree walk while the store counts");
        };
        DiskUsage u = new QuotaDiskMeter(diskQuota, rootfs, walk).usage(c);
        assertEquals(new DiskUsage(9_242_880, 303, 5_242_880, 3), u);
    }

    @Test
    void withoutAStoreTheFallbackMeterAnswers() {
        Container c = backend.create(spec("walked"));
        DiskUsage walked = new DiskUsage(1, 2, 3, 4);
        assertEquals(walked, new QuotaDiskMeter(diskQuota, rootfs, (h, d) -> walked).usage(c));
    }

    @Test
    void reportOnlySaysWhyAndHoldsNothing() {
        DiskQuota none = DiskQuota.reportOnly("no quota support", java.nio.file.Path.of("/"));
        assertFalse(none.status().enforcing());
        assertTrue(none.status().detail().contains("no quota support"));
        assertTrue(none.usage("x", java.nio.file.Path.of("/nonexistent")).isEmpty());
        assertTrue(none.freeBytes() > 0);
    }
}
