package io.greenhouse.process;

import io.greenhouse.backend.GardenException;

import io.greenhouse.linux.InRootFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves "name", "uid", "name:group" or "uid:gid" against a container's /etc/passwd and
 * /etc/group. Those files belong to the container: they are read as the container sees them
 * (symlinks resolved inside its root filesystem, as the helpers resolve paths, never to a host
 * file) and only parsed, never trusted further.
 */
public final class ContainerUsers {
    private static final int MAX_FILE = 4 << 20;

    private final String passwd;
    private final String group;

    public ContainerUsers(String passwd, String group) {
        this.passwd = passwd == null ? "" : passwd;
        this.group = group == null ? "" : group;
    }

    public static ContainerUsers of(InRootFiles files, Path rootfs) {
        return new ContainerUsers(read(files, rootfs, "/etc/passwd"), read(files, rootfs, "/etc/group"));
    }

    /** The file's text, or null when it is absent or not a regular file. */
    private static String read(InRootFiles files, Path rootfs, String path) {
        byte[] content = files.readRegularFile(rootfs, path, MAX_FILE);
        return content == null ? null : new String(content, StandardCharsets.UTF_8);
    }

    public ExecUser resolve(String spec) {
        String s = spec == null || spec.isEmpty() ? "root" : spec;
        int colon = s.indexOf(':');
        String userPart = colon < 0 ? s : s.substring(0, colon);
        String groupPart = colon < 0 ? null : s.substring(colon + 1);

        String[] entry = findPasswd(userPart);
        int uid;
        String name;
        int gid;
        String home;
        if (entry != null) {
            uid = parseId(entry[2], "uid of " + userPart);
            name = entry[0];
            gid = parseId(entry[3], "gid of " + userPart);
            home = entry[5].isEmpty() ? "/" : entry[5];
        } else if (isNumber(userPart)) {
            uid = parseId(userPart, "uid");
            name = userPart;
            gid = uid == 0 ? 0 : uid;
            home = uid == 0 ? "/root" : "/";
        } else if (userPart.equals("root")) {
            uid = 0;
            name = "root";
            gid = 0;
            home = "/root";
        } else {
            throw new GardenException("unable to find user " + userPart + ": no matching entries in passwd file");
        }
        if (groupPart != null && !groupPart.isEmpty()) {
            String[] g = findGroup(groupPart);
            if (g != null) {
                gid = parseId(g[2], "gid of group " + groupPart);
            } else if (isNumber(groupPart)) {
                gid = parseId(groupPart, "gid");
            } else {
                throw new GardenException("unable to find group " + groupPart + ": no matching entries in group file");
            }
        }
        // As runC's user lookup (Guardian's): supplementary groups only in the implicit form.
        List<Integer> additional = groupPart == null || groupPart.isEmpty() ? supplementaryGroups(name) : List.of();
        return new ExecUser(name, uid, gid, additional, home);
    }

    private String[] findPasswd(String user) {
        for (String[] f : entries(passwd, 7)) {
            if (f[0].equals(user) || isNumber(user) && f[2].equals(user)) {
                return f;
            }
        }
        return null;
    }

    private String[] findGroup(String name) {
        for (String[] f : entries(group, 4)) {
            if (f[0].equals(name) || isNumber(name) && f[2].equals(name)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Every group that lists the user as a member, its primary group too when listed there (the
     * kernel then reports it among the process's groups, as under runC and Guardian).
     */
    private List<Integer> supplementaryGroups(String user) {
        List<Integer> gids = new ArrayList<>();
        for (String[] f : entries(group, 4)) {
            for (String member : f[3].split(",")) {
                if (member.trim().equals(user) && isNumber(f[2])) {
                    int gid = Integer.parseInt(f[2]);
                    if (!gids.contains(gid)) {
                        gids.add(gid);
                    }
                }
            }
        }
        return gids;
    }

    /** Well-formed lines of a colon-separated database, padded to {@code fields}. */
    private static List<String[]> entries(String text, int fields) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length < 3 || !isNumber(f[2])) {
                continue;
            }
            String[] padded = new String[fields];
            for (int i = 0; i < fields; i++) {
                padded[i] = i < f.length ? f[i] : "";
            }
            out.add(padded);
        }
        return out;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(Character::isDigit);
    }

    private static int parseId(String s, String what) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0 || v > 0xFFFFFFFEL) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new GardenException("invalid " + what + ": " + s);
        }
    }
}
