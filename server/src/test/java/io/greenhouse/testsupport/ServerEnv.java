package io.greenhouse.testsupport;

import io.greenhouse.wiring.Settings;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A cell's settings as the cell itself has them: its Liberty {@code server.env} read through the
 * cell's own {@link Settings#from}, so tests see the depot, runtime binary, runtime root, cgroup
 * parent, monitor sockets and peas' root the cell uses, defaults included, without deriving any.
 * Keys are looked up as MicroProfile Config's environment source does: {@code greenhouse.depot.dir}
 * as {@code GREENHOUSE_DEPOT_DIR}.
 */
public final class ServerEnv {
    private ServerEnv() {
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

    static Config read(Path serverEnv) {
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
        return new MapConfig(vars, ServerEnv::variable);
    }

    static String variable(String key) {
        return key.replaceAll("[^A-Za-z0-9_]", "_").toUpperCase(Locale.ROOT);
    }
}
