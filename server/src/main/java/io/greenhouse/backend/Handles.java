package io.greenhouse.backend;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Container handles become directory names, cgroup names and runC ids, so they are checked
 * before they touch anything: the characters runC accepts in a container id (letters, digits and
 * _ + - .), not "." or "..", not starting with '-', bounded length. Anything else would fail deep
 * in runC or the overlay mount (':' and ',' separate its options) with a message about neither; a
 * leading '-' would make the handle an option of every runC command it is the last argument of
 * ({@code runc delete --force -x}).
 */
public final class Handles {
    public static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.+-]+");

    private Handles() {
    }

    public static String validate(String handle) {
        if (handle == null || handle.isEmpty()) {
            throw new GardenException("handle must not be empty");
        }
        if (handle.length() > MAX_LENGTH) {
            throw new GardenException("handle is longer than " + MAX_LENGTH + " characters");
        }
        if (handle.equals(".") || handle.equals("..") || !ALLOWED.matcher(handle).matches()) {
            throw new GardenException("handle '" + printable(handle)
                    + "' may only contain letters, digits and _ + - .");
        }
        if (handle.startsWith("-")) {
            throw new GardenException("handle '" + printable(handle) + "' must not start with '-'");
        }
        return handle;
    }

    /** Guardian-style generated handles: unique, short enough for a hostname. */
    public static String generate() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> b.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return b.toString();
    }
}
