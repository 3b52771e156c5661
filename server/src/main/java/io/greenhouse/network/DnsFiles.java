package io.greenhouse.network;

import io.greenhouse.backend.BindMount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's /etc/hosts and /etc/resolv.conf: files in its depot directory, bind mounted
 * read-write (owned by root, mode 0644: container root may overwrite them, other users may not),
 * shared with its peas. They exist before the container starts (the bundle mounts them) and are
 * filled once its address is known; they are written in place, never replaced, so the mounts see
 * the new contents.
 */
final class DnsFiles {
    static final String HOSTS = "hosts";
    static final String RESOLV_CONF = "resolv.conf";

    private final List<String> configuredServers;
    private final Path hostResolvConf;
    /** systemd-resolved's list of the upstream servers behind its loopback stub. */
    private final Path resolvedUpstream;

    DnsFiles(List<String> configuredServers, Path hostResolvConf, Path resolvedUpstream) {
        this.configuredServers = List.copyOf(configuredServers);
        this.hostResolvConf = hostResolvConf;
        this.resolvedUpstream = resolvedUpstream;
    }

    List<BindMount> prepare(Path containerDirectory) {
        List<BindMount> mounts = new ArrayList<>();
        for (String name : List.of(HOSTS, RESOLV_CONF)) {
            Path file = containerDirectory.resolve(name);
            try {
                if (!Files.exists(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("creating " + file, e);
            }
            mounts.add(new BindMount(file.toString(), "/etc/" + name, true, false));
        }
        return mounts;
    }

    /** Fills both files; returns the nameservers the container was given. */
    List<String> write(Path containerDirectory, String handle, String containerIp, String gatewayIp) {
        writeInPlace(containerDirectory.resolve(HOSTS), hosts(handle, containerIp));
        List<String> lines = resolvConf(gatewayIp);
        writeInPlace(containerDirectory.resolve(RESOLV_CONF), String.join("\n", lines) + "\n");
        return lines.stream().filter(l -> l.startsWith("nameserver "))
                .map(l -> l.substring("nameserver ".length()).strip()).toList();
    }

    /** localhost and the container's host name (the handle's last 49 characters, as its hostname). */
    static String hosts(String handle, String containerIp) {
        String name = handle.length() > 49 ? handle.substring(handle.length() - 49) : handle;
        return "127.0.0.1 localhost\n" + containerIp + " " + name + "\n";
    }

    /**
     * The configured servers; else the host's resolv.conf without its loopback nameservers (the
     * container's loopback is its own). When the host only has a loopback stub, the upstream
     * servers systemd-resolved keeps behind it, or else the gateway, as Guardian does.
     */
    List<String> resolvConf(String gatewayIp) {
        if (!configuredServers.isEmpty()) {
            return configuredServers.stream().map(s -> "nameserver " + s).toList();
        }
        List<String> host = readLines(hostResolvConf);
        List<String> kept = new ArrayList<>();
        boolean loopbackDropped = false;
        for (String line : host) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            if (l.startsWith("nameserver")) {
                String[] f = l.split("\\s+");
                if (f.length != 2) {
                    continue;
                }
                if (f[1].startsWith("127.") || f[1].equals("::1")) {
                    loopbackDropped = true;
                    continue;
                }
                kept.add("nameserver " + f[1]);
            } else {
                kept.add(l);
            }
        }
        if (kept.stream().noneMatch(l -> l.startsWith("nameserver ")) && loopbackDropped) {
            List<String> upstream = resolvedUpstream == null ? List.of() : readLines(resolvedUpstream).stream()
                    .map(String::strip).filter(l -> l.startsWith("nameserver "))
                    .filter(l -> !l.contains(" 127.") && !l.endsWith(" ::1")).toList();
            kept.addAll(upstream.isEmpty() ? List.of("nameserver " + gatewayIp) : upstream);
        }
        return kept;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static void writeInPlace(Path file, String contents) {
        try {
            Files.writeString(file, contents, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
