package io.greenhouse.image;

import io.greenhouse.backend.DiskUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OverlayDiskMeterTest {

    @Test
    void exclusiveUsageIsTheUpperLayerAndTotalIsTheMergedView(@TempDir Path container) throws IOException {
        Path upper = Files.createDirectories(container.resolve("overlay/upper/home"));
        Files.write(upper.resolve("written"), new byte[3000]);
        Path merged = Files.createDirectories(container.resolve("rootfs/bin"));
        Files.write(merged.resolve("busybox"), new byte[10_000]);
        Files.write(container.resolve("rootfs/written"), new byte[3000]);

        DiskUsage usage = new OverlayDiskMeter().usage("h", container);

        assertEquals(3000, usage.exclusiveBytes());
        assertEquals(3, usage.exclusiveInodes()); // upper, home, written
        assertEquals(13_000, usage.totalBytes());
        assertEquals(4, usage.totalInodes()); // rootfs, bin, busybox, written
    }

    @Test
    void hardLinksAreCountedOnce(@TempDir Path container) throws IOException {
        Path merged = Files.createDirectories(container.resolve("rootfs"));
        Files.write(merged.resolve("a"), new byte[500]);
        Files.createLink(merged.resolve("b"), merged.resolve("a"));
        assertEquals(500, new OverlayDiskMeter().usage("h", container).totalBytes());
    }

    @Test
    void aContainerWithoutLayersUsesNothing(@TempDir Path container) {
        assertEquals(DiskUsage.NONE, new OverlayDiskMeter().usage("h", container));
    }
}
