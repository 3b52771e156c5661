package io.greenhouse.testsupport;

import io.greenhouse.wiring.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The names of every setting the server reads, found in the code itself so that a setting added
 * anywhere is checked (the chart, the Containerfile) without a list to keep in step:
 * <ul>
 *   <li>what {@link Settings#from} asks its Config for (run against a recording Config);</li>
 *   <li>every {@code "greenhouse..."} literal that src/main/java hands to a Config
 *       ({@code getValue}, {@code getOptionalValue}, a {@code (config, "...")} helper,
 *       {@code @ConfigProperty(name = "...")});</li>
 *   <li>the {@code greenhouse...} variables of server.xml, which Liberty resolves from the
 *       environment.</li>
 * </ul>
 */
public final class ServerSettings {
    /** Settings only tests set (crash tests' fault injection): no deployment offers them. */
    public static final Set<String> TEST_ONLY = Set.of("greenhouse.fault.kill-after");

    private static final Pattern CONFIG_READ = Pattern.compile(
            "(?:getOptionalValues?|getValues?|getConfigValue)\\(\\s*\"(greenhouse(?:\\.[a-z0-9-]+)+)\""
                    + "|\\(\\s*config\\s*,\\s*\"(greenhouse(?:\\.[a-z0-9-]+)+)\""
                    + "|@ConfigProperty\\(\\s*name\\s*=\\s*\"(greenhouse(?:\\.[a-z0-9-]+)+)\"");
    /** A declared variable, or one only referenced (greenhouse.tls.enabled has no default on purpose). */
    private static final Pattern SERVER_XML_VARIABLE = Pattern.compile(
            "<variable\\s+name=\"(greenhouse(?:\\.[a-z0-9-]+)+)\"|\\$\\{(greenhouse(?:\\.[a-z0-9-]+)+)}");

    private final Path projectRoot;

    public ServerSettings(Path projectRoot) {
        this.projectRoot = projectRoot;
    }

    /** The project the tests run in (Maven runs them in its base directory). */
    public static ServerSettings ofThisProject() {
        return new ServerSettings(Path.of(System.getProperty("basedir", ".")).toAbsolutePath());
    }

    /** Every setting the server reads, test-only ones included. */
    public Set<String> all() {
        Set<String> names = new TreeSet<>(readBySettings());
        names.addAll(readInSources());
        names.addAll(serverXmlVariables());
        return names;
    }

    /** The settings a deployment (the chart) offers: all but the test-only ones. */
    public Set<String> deployable() {
        Set<String> names = new TreeSet<>(all());
        names.removeAll(TEST_ONLY);
        return names;
    }

    /** The environment variable MicroProfile Config and Liberty map a key from. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Set<String> readBySettings() {
        // A config with no values that remembers every name it was asked for.
        Set<String> asked = new TreeSet<>();
        Settings.from(new MapConfig(Map.of(), name -> {
            asked.add(name);
            return name;
        }));
        return asked;
    }

    public Set<String> readInSources() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(projectRoot.resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = CONFIG_READ.matcher(Files.readString(file));
                while (m.find()) {
                    for (int g = 1; g <= m.groupCount(); g++) {
                        if (m.group(g) != null) {
                            names.add(m.group(g));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    public Set<String> serverXmlVariables() {
        Set<String> names = new TreeSet<>();
        try {
            Matcher m = SERVER_XML_VARIABLE.matcher(
                    Files.readString(projectRoot.resolve("src/main/liberty/config/server.xml")));
            while (m.find()) {
                names.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
