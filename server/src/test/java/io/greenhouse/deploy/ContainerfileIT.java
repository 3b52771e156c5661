package io.greenhouse.deploy;

import io.greenhouse.testsupport.ServerSettings;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Containerfile against the build output (failsafe runs this after package) and the chart:
 * no image can be built here, so what it copies and where it puts it is checked instead.
 */
class ContainerfileIT {
    /** The repository root: the build context (the server module is {@code server/} in it). */
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    private final Containerfile file = Containerfile.parse(ROOT.resolve("Containerfile"));

    @Test
    void everyPathCopiedFromTheBuildContextExistsAfterPackage() {
        List<String> sources = file.contextSources();
        assertTrue(sources.contains("server/target/greenhouse.war"), sources::toString);
        List<String> missing = sources.stream().filter(s -> !Files.exists(ROOT.resolve(s))).toList();
        assertTrue(missing.isEmpty(), () -> "copied but not there: " + missing);
    }

    @Test
    void theBuildContextKeepsWhatIsCopiedFromTarget() throws IOException {
        List<String> ignore = Files.readAllLines(ROOT.resolve(".containerignore"));
        for (String source : file.contextSources()) {
            if (source.startsWith("server/target/")) {
                assertTrue(ignore.contains("!" + source), () -> source + " is excluded by .containerignore");
            }
        }
    }

    @Test
    void everyHelperSourceIsBuiltIntoTheImage() throws IOException {
        assertTrue(file.contextSources().contains("server/src/main/c/"));
        assertTrue(file.runs("helpers").stream().anyMatch(r -> r.contains("gcc -static") && r.contains("/src/c/*.c")));
        try (var sources = Files.list(ROOT.resolve("server/src/main/c"))) {
            assertTrue(sources.anyMatch(p -> p.toString().endsWith(".c")));
        }
    }

    @Test
    void stagesCopiedFromAreDefinedBeforeUse() {
        Set<String> defined = new HashSet<>();
        for (Containerfile.Instruction i : file.instructions()) {
            if (i.keyword().equals("FROM") && i.stage() != null) {
                defined.add(i.stage());
            }
            String from = i.flags().get("from");
            if (from != null) {
                assertTrue(defined.contains(from), "stage " + from + " used before it is defined");
            }
        }
        assertEquals(Set.of("liberty", "helpers"), defined);
    }

    @Test
    void theImageHasTheLayoutTheChartExpects() {
        Map<String, Object> values = Chart.values();
        Map<String, Object> config = Chart.map(values.get("config"));
        Set<String> destinations = file.finalStageDestinations();
        String helpers = (String) config.get("greenhouse.helpers.dir");
        String rootfs = (String) config.get("greenhouse.rootfs.default");
        assertTrue(destinations.contains(helpers + "/"), () -> helpers + " not in " + destinations);
        assertTrue(destinations.contains(rootfs + "/"), () -> rootfs + " not in " + destinations);
        Map<String, Object> liberty = Chart.map(values.get("liberty"));
        assertEquals("/opt/ol/wlp", liberty.get("home"));
        assertTrue(destinations.contains("/opt/ol/"));
        // Open Liberty images run defaultServer, with the configuration in /config.
        assertEquals("defaultServer", liberty.get("serverName"));
        assertTrue(file.copies("liberty").contains("server/src/main/liberty/config/ -> /config/"), file.copies("liberty")::toString);
        assertTrue(file.copies("liberty").contains("server/target/greenhouse.war -> /config/apps/greenhouse.war"));
        // StreamIn/StreamOut's busybox and the runtime binary come from Debian packages in the image.
        assertEquals("/bin/busybox", config.get("greenhouse.files.busybox"));
        assertEquals("runc", config.get("greenhouse.runtime.binary"));
        String packages = String.join(" ", file.runs(null));
        assertTrue(packages.contains("runc") && packages.contains("busybox-static"), packages);
        assertEquals("[\"" + liberty.get("home") + "/bin/server\", \"run\", \"" + liberty.get("serverName") + "\"]",
                file.last("CMD"));
    }

    @Test
    void everyGreenhouseVariableTheImageSetsIsASetting() {
        Set<String> known = ServerSettings.ofThisProject().all().stream()
                .map(ServerSettings::envName).collect(Collectors.toSet());
        Set<String> unknown = new TreeSet<>(file.env().keySet().stream().filter(n -> n.startsWith("GREENHOUSE_")).toList());
        unknown.removeAll(known);
        assertTrue(unknown.isEmpty(), () -> "the server reads no " + unknown);
        assertFalse(file.env().isEmpty());
    }

    @Test
    void theParserReadsContinuedLines() {
        List<String> runs = new ArrayList<>(file.runs("helpers"));
        assertTrue(runs.get(0).contains("apt-get update") && runs.get(0).contains("rm -rf /var/lib/apt/lists/*"));
    }
}
