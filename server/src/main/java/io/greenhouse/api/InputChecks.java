package io.greenhouse.api;

import io.greenhouse.backend.GardenException;

import java.util.List;
import java.util.Map;

/**
 * What every request value must be before the backend sees it, checked at the door so that no
 * value reaches a path, an argument vector, a log line or a runtime's config in a form that would
 * mean something else there. Handles (Handles), process ids (ProcessDirectory), addresses and
 * ports (the network package) have checks of their own where they are used; these cover the rest.
 * No value ever reaches a shell: every command is an argument vector.
 */
public final class InputChecks {
    /** PATH_MAX: the kernel refuses longer paths anyway. */
    static final int MAX_PATH = 4096;
    static final int MAX_NAME = 1024;

    private InputChecks() {
    }

    /** A path in a container or on the host: no NUL (C strings end there), bounded. Empty means "not given". */
    public static String path(String value, String what) {
        if (value == null) {
            return null;
        }
        if (value.length() > MAX_PATH) {
            throw new GardenException(what + " is longer than " + MAX_PATH + " characters");
        }
        if (value.indexOf('\0') >= 0) {
            throw new GardenException(what + " must not contain a NUL character");
        }
        return value;
    }

    /** A process argument: any length (a script for sh -c), but a C string. */
    public static String argument(String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new GardenException("process arguments must not contain a NUL character");
        }
        return value;
    }

    /** A user name or uid[:gid]: looked up in the container's passwd; passed to helpers as one argument. */
    public static String user(String value) {
        if (value == null) {
            return null;
        }
        noControl(value, "user", MAX_NAME);
        if (value.startsWith("-")) {
            throw new GardenException("user '" + printable(value) + "' must not start with '-'");
        }
        return value;
    }

    /** Env entries as runC requires them (it would refuse them later, with a message about neither). */
    public static List<String> env(List<String> env, String what) {
        if (env == null) {
            return null;
        }
        for (String e : env) {
            if (e == null) {
                throw new GardenException(what + " entries must be strings of the form NAME=VALUE, not null");
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new GardenException(what + " entry '" + printable(e) + "' must be of the form NAME=VALUE");
            }
            if (e.indexOf('\0') >= 0) {
                throw new GardenException(what + " entry '" + printable(e.substring(0, eq)) + "' contains a NUL character");
            }
        }
        return env;
    }

    /** Property keys (and list filters): never control characters, which would forge lines of the log. */
    public static Map<String, String> properties(Map<String, String> properties) {
        if (properties == null) {
            return null;
        }
        properties.keySet().forEach(InputChecks::propertyKey);
        return properties;
    }

    public static String propertyKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new GardenException("property key must not be empty");
        }
        return noControl(key, "property key", MAX_NAME);
    }

    /** An image reference; ImageUri parses it, but first it must be one line of bounded length. */
    public static String imageUri(String uri) {
        return uri == null ? null : noControl(uri, "image URI", MAX_PATH);
    }

    private static String noControl(String value, String what, int max) {
        if (value.length() > max) {
            throw new GardenException(what + " is longer than " + max + " characters");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new GardenException(what + " '" + printable(value) + "' must not contain control characters");
        }
        return value;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> b.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
