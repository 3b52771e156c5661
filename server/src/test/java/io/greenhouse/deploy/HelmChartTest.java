package io.greenhouse.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.greenhouse.testsupport.ServerSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.greenhouse.deploy.Chart.at;
import static io.greenhouse.deploy.Chart.list;
import static io.greenhouse.deploy.Chart.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart as Helm itself lints and renders it. Probe paths are checked against the server by
 * ChartProbesIT; here, that the manifests are what a cell needs.
 */
class HelmChartTest {
    /** Liberty's own variables the chart may set beside the cell's settings. */
    private static final Set<String> LIBERTY_ENV = Set.of("WLP_LOGGING_CONSOLE_FORMAT");

    private final ServerSettings settings = ServerSettings.ofThisProject();

    @Test
    void helmLintPassesStrict() {
        LintResult result = new Helm(Chart.DIR).lint().strict().call();
        assertFalse(result.isFailed(), () -> String.join("\n", result.getMessages()));
    }

    @Test
    void rendersOneDaemonSetAndTheServiceOnlyWhenEnabled() {
        assertEquals(List.of("DaemonSet"), kinds(Chart.render(Map.of())));
        assertEquals(List.of("DaemonSet", "Service"), kinds(Chart.render(Map.of("service.enabled", true))));
    }

    @Test
    void cellIsPrivilegedInTheHostPidNamespace() {
        Map<String, Object> ds = Chart.daemonSet(Chart.render(Map.of()));
        assertEquals(Boolean.TRUE, Chart.podSpec(ds).get("hostPID"));
        assertEquals(Boolean.TRUE, at(Chart.cell(ds), "securityContext", "privileged"));
    }

    @Test
    void probesUseMicroProfileHealthOnTheGardenPort() {
        Map<String, Object> cell = Chart.cell(Chart.daemonSet(Chart.render(Map.of())));
        assertEquals("/health/started", at(cell, "startupProbe", "httpGet", "path"));
        assertEquals("/health/live", at(cell, "livenessProbe", "httpGet", "path"));
        assertEquals("/health/ready", at(cell, "readinessProbe", "httpGet", "path"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("garden", at(cell, probe, "httpGet", "port"), probe);
        }
        Map<String, Object> ports = portsByName(cell);
        assertEquals(7777, ports.get("garden"));
        assertEquals(9443, ports.get("admin"));
    }

    @Test
    void everyEnvironmentVariableIsOneTheServerReads() {
        Set<String> known = settings.all().stream().map(ServerSettings::envName).collect(Collectors.toSet());
        Set<String> env = envNames(withPasswordSecret());
        Set<String> unknown = new TreeSet<>(env);
        unknown.removeAll(known);
        unknown.removeAll(LIBERTY_ENV);
        assertTrue(unknown.isEmpty(), () -> "the server reads no " + unknown);
    }

    @Test
    void everySettingTheServerReadsIsAChartValue() {
        Set<String> env = envNames(withPasswordSecret());
        Set<String> missing = new TreeSet<>();
        for (String setting : settings.deployable()) {
            if (!env.contains(ServerSettings.envName(setting))) {
                missing.add(setting);
            }
        }
        assertTrue(missing.isEmpty(), () -> "add to chart/greenhouse/values.yaml config: " + missing);
    }

    @Test
    void theSettingSourcesAgree() {
        // The recording Config and the source scan see the same Settings reads; a setting read
        // elsewhere (CellWiring) is still found by the scan.
        assertTrue(settings.readInSources().containsAll(settings.readBySettings()),
                () -> "source scan missed " + settings.readBySettings());
        assertTrue(settings.all().contains("greenhouse.listen.port"));
        assertTrue(settings.all().contains("greenhouse.fault.kill-after"));
    }

    @Test
    void adminPasswordComesFromTheSecretOnlyWhenOneIsNamed() {
        Map<String, Object> env = envByName(Chart.cell(Chart.daemonSet(Chart.render(Map.of()))));
        assertFalse(env.containsKey("GREENHOUSE_ADMIN_PASSWORD"));
        Map<String, Object> withSecret = envByName(Chart.cell(Chart.daemonSet(withPasswordSecret())));
        assertEquals(Map.of("name", "cell-admin", "key", "password"),
                at(map(withSecret.get("GREENHOUSE_ADMIN_PASSWORD")), "valueFrom", "secretKeyRef"));
    }

    @Test
    void depotRuntimeStateCgroupsAndLayerStoreAreHostPaths() {
        Map<String, Object> ds = Chart.daemonSet(Chart.render(Map.of()));
        Map<String, String> hostPaths = new TreeMap<>();
        for (Object v : list(Chart.podSpec(ds).get("volumes"))) {
            hostPaths.put((String) map(v).get("name"), (String) at(map(v), "hostPath", "path"));
        }
        assertEquals(Map.of("depot", "/var/lib/greenhouse/depot", "runtime-state", "/run/greenhouse",
                "cgroup", "/sys/fs/cgroup", "images", "/var/lib/greenhouse/images"), hostPaths);
        Map<String, String> mounts = new TreeMap<>();
        for (Object m : list(Chart.cell(ds).get("volumeMounts"))) {
            mounts.put((String) map(m).get("name"), (String) map(m).get("mountPath"));
        }
        Map<String, String> config = configValues(Chart.cell(ds));
        assertEquals(config.get("GREENHOUSE_DEPOT_DIR"), mounts.get("depot"));
        assertEquals("/sys/fs/cgroup", mounts.get("cgroup"));
        // Layers are lower layers of containers that outlive the pod.
        assertEquals(config.get("GREENHOUSE_IMAGE_STORE_DIR"), mounts.get("images"));
        // The runtime's state and the process monitors' sockets must outlive the pod.
        Path runtimeState = Path.of(mounts.get("runtime-state"));
        assertTrue(Path.of(config.get("GREENHOUSE_RUNTIME_ROOT")).startsWith(runtimeState));
        assertTrue(Path.of(config.get("GREENHOUSE_PROCESS_SOCKETS_DIR")).startsWith(runtimeState));
    }

    @Test
    void mutualTlsComesFromTheOperatorsSecretOnlyWhenOneIsNamed() {
        Map<String, Object> plain = Chart.cell(Chart.daemonSet(Chart.render(Map.of())));
        assertEquals("false", map(envByName(plain).get("GREENHOUSE_TLS_ENABLED")).get("value"));
        assertEquals("garden", at(plain, "readinessProbe", "httpGet", "port"));

        Map<String, Object> pod = Chart.daemonSet(Chart.render(Map.of("tls.secretName", "cell-tls")));
        Map<String, Object> cell = Chart.cell(pod);
        Map<String, Object> env = envByName(cell);
        assertEquals("true", map(env.get("GREENHOUSE_TLS_ENABLED")).get("value"));
        assertEquals("/etc/greenhouse/tls/garden-key.p12", map(env.get("GREENHOUSE_TLS_KEYSTORE")).get("value"));
        assertEquals("/etc/greenhouse/tls/garden-trust.p12", map(env.get("GREENHOUSE_TLS_TRUSTSTORE")).get("value"));
        assertEquals(Map.of("name", "cell-tls", "key", "keystore-password"),
                at(map(env.get("GREENHOUSE_TLS_KEYSTORE_PASSWORD")), "valueFrom", "secretKeyRef"));
        assertEquals(Map.of("name", "cell-tls", "key", "truststore-password"),
                at(map(env.get("GREENHOUSE_TLS_TRUSTSTORE_PASSWORD")), "valueFrom", "secretKeyRef"));
        assertTrue(list(cell.get("volumeMounts")).stream().anyMatch(m -> map(m).get("name").equals("garden-tls")
                && map(m).get("mountPath").equals("/etc/greenhouse/tls") && Boolean.TRUE.equals(map(m).get("readOnly"))));
        assertTrue(list(at(pod, "spec", "template", "spec", "volumes")).stream()
                .anyMatch(v -> map(v).get("name").equals("garden-tls")
                        && "cell-tls".equals(map(map(v).get("secret")).get("secretName"))));
        // The kubelet has no client certificate: the probes can only connect.
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("garden", at(cell, probe, "tcpSocket", "port"), probe);
        }
        assertFalse(map(at(pod, "spec", "template", "metadata")).containsKey("annotations"));
    }

    @Test
    void podsCarryPrometheusScrapeAnnotations() {
        Map<String, Object> annotations = map(at(Chart.daemonSet(Chart.render(Map.of())),
                "spec", "template", "metadata", "annotations"));
        assertEquals("true", annotations.get("prometheus.io/scrape"));
        assertEquals("/metrics", annotations.get("prometheus.io/path"));
        assertEquals("7777", annotations.get("prometheus.io/port"));
        Map<String, Object> off = map(at(Chart.daemonSet(Chart.render(Map.of("metrics.scrape", false))),
                "spec", "template", "metadata"));
        assertFalse(off.containsKey("annotations"));
    }

    @Test
    void requestsAndLimitsAreSet() {
        Map<String, Object> resources = map(Chart.cell(Chart.daemonSet(Chart.render(Map.of()))).get("resources"));
        assertTrue(map(resources.get("requests")).containsKey("memory"));
        assertTrue(map(resources.get("limits")).containsKey("memory"));
    }

    @Test
    void jsonLogsAreOneValueAway() {
        Map<String, String> env = configValues(Chart.cell(Chart.daemonSet(
                Chart.render(Map.of("logging.consoleFormat", "json")))));
        assertEquals("json", env.get("WLP_LOGGING_CONSOLE_FORMAT"));
    }

    @Test
    void theSchemaRejectsBadValues() {
        assertThrows(IllegalStateException.class, () -> Chart.render(Map.of("hostPID", "maybe")));
        assertThrows(IllegalStateException.class, () -> Chart.render(Map.of("logging.consoleFormat", "xml")));
        assertThrows(IllegalStateException.class, () -> Chart.render(Map.of("hostPaths.depot", "relative")));
        assertThrows(IllegalStateException.class, () -> Chart.render(Map.of("config.notGreenhouse", "x")));
    }

    private static List<Map<String, Object>> withPasswordSecret() {
        return Chart.render(Map.of("admin.passwordSecret.name", "cell-admin"));
    }

    private static List<String> kinds(List<Map<String, Object>> manifests) {
        return manifests.stream().map(m -> (String) m.get("kind")).sorted().toList();
    }

    private static Set<String> envNames(List<Map<String, Object>> manifests) {
        return new TreeSet<>(envByName(Chart.cell(Chart.daemonSet(manifests))).keySet());
    }

    private static Map<String, Object> envByName(Map<String, Object> cell) {
        Map<String, Object> env = new LinkedHashMap<>();
        for (Object e : list(cell.get("env"))) {
            env.put((String) map(e).get("name"), e);
        }
        return env;
    }

    private static Map<String, String> configValues(Map<String, Object> cell) {
        Map<String, String> values = new TreeMap<>();
        envByName(cell).forEach((name, e) -> {
            Object value = map(e).get("value");
            if (value != null) {
                values.put(name, (String) value);
            }
        });
        return values;
    }

    private static Map<String, Object> portsByName(Map<String, Object> cell) {
        Map<String, Object> ports = new TreeMap<>();
        for (Object p : list(cell.get("ports"))) {
            ports.put((String) map(p).get("name"), map(p).get("containerPort"));
        }
        return ports;
    }
}
