package io.greenhouse.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the host's network looks like, read from /sys and /proc without running anything. */
final class HostLinks {
    private static final Path NET = Path.of("/sys/class/net");

    private HostLinks() {
    }

    static boolean exists(String link) {
        return Files.exists(NET.resolve(link));
    }

    static List<String> list() {
        try (Stream<Path> s = Files.list(NET)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + NET, e);
        }
    }

    /** The interfaces attached to a bridge. */
    static List<String> ports(String bridge) {
        Path dir = NET.resolve(bridge).resolve("brif");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static void sysctl(String key, String value) {
        Path file = Path.of("/proc/sys").resolve(key);
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException("setting " + key, e);
        }
    }

    record Route(String device, Subnet subnet) {
    }

    /** The host's IPv4 routes (main table), from /proc/net/route. */
    static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 8 || f[0].equals("Iface")) {
                    continue;
                }
                int destination = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
                int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
                routes.add(new Route(f[0], new Subnet(destination, Integer.bitCount(mask))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/net/route", e);
        }
        return routes;
    }

    /** The IPv4 address of the interface the default route leaves through, or empty. */
    static String defaultRouteAddress() {
        for (Route r : routes()) {
            if (r.subnet().prefix() == 0) {
                try {
                    java.net.NetworkInterface nic = java.net.NetworkInterface.getByName(r.device());
                    if (nic != null) {
                        return nic.inetAddresses().filter(a -> a instanceof java.net.Inet4Address)
                                .map(java.net.InetAddress::getHostAddress).findFirst().orElse("");
                    }
                } catch (java.net.SocketException e) {
                    return "";
                }
            }
        }
        return "";
    }
}
