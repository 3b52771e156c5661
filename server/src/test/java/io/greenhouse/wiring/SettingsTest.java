package io.greenhouse.wiring;

import io.greenhouse.testsupport.MapConfig;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsTest {

    @Test
    void durationsAcceptIso8601BareSecondsAndUnitSuffixes() {
        assertEquals(Duration.ZERO, Settings.duration("0"));
        assertEquals(Duration.ofSeconds(300), Settings.duration("300"));
        assertEquals(Duration.ofSeconds(30), Settings.duration("30s"));
        assertEquals(Duration.ofMinutes(5), Settings.duration("5m"));
        assertEquals(Duration.ofHours(2), Settings.duration("2h"));
        assertEquals(Duration.ofMillis(250), Settings.duration("250ms"));
        assertEquals(Duration.ofMinutes(5), Settings.duration("PT5M"));
        assertEquals(Duration.ofSeconds(10), Settings.duration(" 10s "));
    }

    @Test
    void nonsenseDurationsAreRefused() {
        for (String bad : List.of("5d", "soon", "s", "PT")) {
            assertThrows(RuntimeException.class, () -> Settings.duration(bad), bad);
        }
    }

    @Test
    void defaultsAreThoseOfAProductionCell() {
        Settings s = Settings.from(new MapConfig(Map.of()));
        assertEquals(Path.of("/var/lib/greenhouse/depot"), s.depot());
        assertEquals("runc", s.runtimeBinary());
        assertEquals(Path.of("/run/greenhouse/runc"), s.runtimeRoot());
        assertEquals(Path.of("/var/lib/greenhouse/rootfs/busybox"), s.defaultRootfs());
        assertEquals(Path.of("/var/lib/greenhouse/bin"), s.helpers());
        assertEquals("greenhouse", s.cgroupParent());
        assertEquals(250, s.maxContainers());
        assertEquals(Duration.ZERO, s.defaultGraceTime());
        assertEquals(Duration.ofSeconds(10), s.stopTimeout());
        assertEquals(false, s.destroyContainersOnStart());
        assertEquals(Duration.ofMinutes(5), s.processExitedRetention());
        assertEquals("greenhouse/@monitors", s.monitorCgroup());
    }

    @Test
    void theMonitorsCgroupFollowsTheCgroupParentUnlessSet() {
        assertEquals("cells/a/@monitors", Settings.from(new MapConfig(Map.of(
                "greenhouse.cgroup.parent", "/cells/a/"))).monitorCgroup());
        assertEquals("elsewhere", Settings.from(new MapConfig(Map.of(
                "greenhouse.cgroup.parent", "cells/a", "greenhouse.process.cgroup", "elsewhere"))).monitorCgroup());
    }

    @Test
    void imageSettings() {
        Settings defaults = Settings.from(new MapConfig(Map.of()));
        assertEquals(Path.of("/var/lib/greenhouse/images"), defaults.imageStore());
        assertEquals(10L << 30, defaults.imageGcThreshold());
        assertEquals(java.util.Set.of(), defaults.insecureRegistries());
        assertEquals("", defaults.dockerHubMirror());
        assertEquals(Duration.ofSeconds(60), defaults.imagePullTimeout());
        assertEquals(3, defaults.imagePullAttempts());
        Settings s = Settings.from(new MapConfig(Map.of(
                "greenhouse.image.store.dir", "/srv/images",
                "greenhouse.image.gc.threshold", "0",
                "greenhouse.image.insecure-registries", " reg.lan:5000, ,10.0.0.5 ",
                "greenhouse.image.docker-hub-mirror", "mirror.lan:5001",
                "greenhouse.image.pull.timeout", "5m",
                "greenhouse.image.pull.attempts", "5")));
        assertEquals(Path.of("/srv/images"), s.imageStore());
        assertEquals(0, s.imageGcThreshold());
        assertEquals(java.util.Set.of("reg.lan:5000", "10.0.0.5"), s.insecureRegistries());
        assertEquals("mirror.lan:5001", s.dockerHubMirror());
        assertEquals(Duration.ofMinutes(5), s.imagePullTimeout());
        assertEquals(5, s.imagePullAttempts());
    }

    @Test
    void configuredValuesWinAndBlankOnesFallBackToTheDefault() {
        Settings s = Settings.from(new MapConfig(Map.of(
                "greenhouse.depot.dir", "/srv/depot",
                "greenhouse.runtime.binary", "crun",
                "greenhouse.containers.max", "7",
                "greenhouse.grace-time.default", "5m",
                "greenhouse.stop.timeout", "250ms",
                "greenhouse.containers.destroy-on-start", "true",
                "greenhouse.process.exited-retention", "90s",
                "greenhouse.cgroup.parent", " ")));
        assertEquals(Path.of("/srv/depot"), s.depot());
        assertEquals("crun", s.runtimeBinary());
        assertEquals(7, s.maxContainers());
        assertEquals(Duration.ofMinutes(5), s.defaultGraceTime());
        assertEquals(Duration.ofMillis(250), s.stopTimeout());
        assertEquals("greenhouse", s.cgroupParent());
        assertEquals(true, s.destroyContainersOnStart());
        assertEquals(Duration.ofSeconds(90), s.processExitedRetention());
    }

    @Test
    void networkDefaultsAndOverrides() {
        Settings.Network n = Settings.from(new MapConfig(Map.of())).network();
        assertEquals(new Settings.Network(true, "10.254.0.0/22", 1500, "", 61001, 4534, List.of(), List.of(), false,
                "gh", "greenhouse", true), n);
        Settings.Network set = Settings.from(new MapConfig(Map.of(
                "greenhouse.network.pool", "10.254.64.0/24",
                "greenhouse.network.dns-servers", "10.0.0.53, 10.0.0.54",
                "greenhouse.network.allow", "10.1.0.0/16",
                "greenhouse.network.enabled", "false",
                "greenhouse.network.port-pool.size", "10"))).network();
        assertEquals("10.254.64.0/24", set.pool());
        assertEquals(List.of("10.0.0.53", "10.0.0.54"), set.dnsServers());
        assertEquals(List.of("10.1.0.0/16"), set.allow());
        assertEquals(false, set.enabled());
        assertEquals(10, set.portPoolSize());
    }
}
