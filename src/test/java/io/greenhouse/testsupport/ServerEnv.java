package io.greenhouse.testsupport;

import io.greenhouse.wiring.Settings;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A cell's settings as the cell itself has them: its Liberty {@code server.env} read through the
 * cell's own {@link Settings#from}, so tests see the depot, runtime binary, runtime root, cgroup
 * parent, monitor sockets and peas' root the cell uses, defaults included, without deriving any.
 * Keys are looked up as MicroProfile Config's environment source does: {@code greenhouse.depot.dir}
 * as {@code GREENHOUSE_DEPOT_DIR}.
 */
public final class ServerEnv implements Config {
    private final Map<String, String> variables;

    private ServerEnv(Map<String, String> variables) {
        this.variables = variables;
    }

    /**
     * The settings of the black-box test cell Maven starts (its server script and name are system
     * properties of the failsafe JVM).
     */
    public static Settings testCell() {
        Path script = Path.of(System.getProperty("greenhouse.test.server", "target/liberty/wlp/bin/server"));
        String name = System.getProperty("greenhouse.test.serverName", "greenhouse-it");
        return settings(script.toAbsolutePath().getParent().getParent().resolve("usr/servers/" + name + "/server.env"));
    }

    /** The settings of the cell whose server.env this is. */
    public static Settings settings(Path serverEnv) {
        return Settings.from(read(serverEnv));
    }

    static ServerEnv read(Path serverEnv) {
        Map<String, String> vars = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(serverEnv)) {
                String l = line.strip();
                int eq = l.indexOf('=');
                if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                    continue;
                }
                vars.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the cell's " + serverEnv, e);
        }
        return new ServerEnv(vars);
    }

    static String variable(String key) {
        return key.replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(Locale.ROOT);
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        if (type != String.class) {
            throw new UnsupportedOperationException(type.getName());
        }
        return Optional.ofNullable(variables.get(variable(name))).map(type::cast);
    }

    @Override
    public <T> T getValue(String name, Class<T> type) {
        return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
    }

    @Override
    public ConfigValue getConfigValue(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Iterable<String> getPropertyNames() {
        return variables.keySet();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
        return List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> forType) {
        return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        throw new IllegalArgumentException(type.getName());
    }
}
