package io.greenhouse.wiring;

import io.greenhouse.quota.DiskStoreSettings;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Path;

/**
 * The disk settings (greenhouse.disk.*), apart from {@link Settings} so that this concern's settings
 * stay in one small place. The store lives beside the depot by default, so cells with depots of
 * their own never share one.
 *
 * @param store        the quota store of writable layers
 * @param reserveBytes readiness goes DOWN when the layers' file system has less free space than this
 */
public record DiskSettings(DiskStoreSettings store, long reserveBytes) {

    public static DiskSettings from(Config config, Path depot) {
        Path beside = depot.toAbsolutePath().getParent() == null ? Path.of("/") : depot.toAbsolutePath().getParent();
        return new DiskSettings(new DiskStoreSettings(
                Path.of(value(config, "greenhouse.disk.store.image", beside.resolve("layers.img").toString())),
                Path.of(value(config, "greenhouse.disk.store.dir", beside.resolve("layers").toString())),
                Long.parseLong(value(config, "greenhouse.disk.store.size", Long.toString(10L << 30))),
                value(config, "greenhouse.disk.store.filesystem", "auto")),
                Long.parseLong(value(config, "greenhouse.disk.reserve", Long.toString(1L << 30))));
    }

    private static String value(Config config, String name, String defaultValue) {
        return config.getOptionalValue(name, String.class).filter(s -> !s.isBlank()).orElse(defaultValue);
    }
}
