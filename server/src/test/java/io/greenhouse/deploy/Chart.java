package io.greenhouse.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The project's Helm chart, rendered by real Helm (helm-java's native library) and parsed. */
public final class Chart {
    public static final Path DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../chart/greenhouse").normalize();

    private Chart() {
    }

    /** {@code helm template} with --set values, as parsed manifests. */
    public static List<Map<String, Object>> render(Map<String, Object> values) {
        TemplateCommand template = new Helm(DIR).template().withName("cell").withNamespace("garden");
        values.forEach(template::set);
        String rendered = template.call();
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            if (doc != null) {
                manifests.add(map(doc));
            }
        }
        return manifests;
    }

    /** values.yaml as parsed. */
    public static Map<String, Object> values() {
        try (var in = java.nio.file.Files.newInputStream(DIR.resolve("values.yaml"))) {
            return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Map<String, Object> daemonSet(List<Map<String, Object>> manifests) {
        return manifests.stream().filter(m -> "DaemonSet".equals(m.get("kind"))).findFirst().orElseThrow();
    }

    public static Map<String, Object> podSpec(Map<String, Object> daemonSet) {
        return map(at(daemonSet, "spec", "template", "spec"));
    }

    public static Map<String, Object> cell(Map<String, Object> daemonSet) {
        return list(podSpec(daemonSet).get("containers")).stream().map(Chart::map)
                .filter(c -> "cell".equals(c.get("name"))).findFirst().orElseThrow();
    }

    public static Object at(Map<String, Object> tree, String... path) {
        Object node = tree;
        for (String key : path) {
            node = Objects.requireNonNull(map(node).get(key), () -> "no " + String.join(".", path));
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
