package io.greenhouse.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * While tests run, no forwarded packet may leave the machine: a mangle FORWARD rule drops whatever
 * would be routed out of the host's default-route interface, so a container's egress (or a test's
 * mistake) cannot reach any outside address. Installed when the test JVM's launcher session opens,
 * removed when it closes (and by a shutdown hook, and by the next run if this JVM was killed);
 * a run as a user who cannot change iptables installs nothing (it cannot make container networks
 * either). Registered in META-INF/services.
 */
public final class EgressGuard implements LauncherSessionListener {
    static final String TAG = "greenhouse-test-egress-guard-";
    private List<String> rule;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/iptables"))) {
            return;
        }
        removeStale();
        String device = defaultRouteDevice();
        if (device == null) {
            return;
        }
        rule = List.of("-t", "mangle", "FORWARD", "-o", device, "-m", "comment", "--comment",
                TAG + ProcessHandle.current().pid(), "-j", "DROP");
        iptables("-I", rule);
        if (!present()) {
            throw new IllegalStateException("could not install the egress guard: " + String.join(" ", rule));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::remove, "egress-guard-removal"));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        remove();
    }

    private synchronized void remove() {
        if (rule == null) {
            return;
        }
        while (present()) {
            iptables("-D", rule);
        }
        rule = null;
    }

    private boolean present() {
        return HostTraces.run("iptables", "-w", "-t", "mangle", "-S", "FORWARD").lines()
                .anyMatch(l -> l.contains(TAG + ProcessHandle.current().pid() + " "));
    }

    /** iptables -w -t mangle ACTION FORWARD ...: the rule list starts with the table and the chain. */
    private static void iptables(String action, List<String> rule) {
        List<String> command = new java.util.ArrayList<>(List.of("iptables", "-w", rule.get(0), rule.get(1), action));
        command.addAll(rule.subList(2, rule.size()));
        HostTraces.run(command.toArray(String[]::new));
    }

    /** Guards of test JVMs that were killed before they could remove theirs. */
    private static void removeStale() {
        for (String line : HostTraces.run("iptables", "-w", "-t", "mangle", "-S", "FORWARD").lines().toList()) {
            int at = line.indexOf(TAG);
            if (!line.startsWith("-A FORWARD ") || at < 0) {
                continue;
            }
            String pid = line.substring(at + TAG.length()).split("[\" ]")[0];
            if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                String[] parts = ("iptables -w -t mangle -D " + line.substring(3)).split(" ");
                HostTraces.run(parts);
            }
        }
    }

    static String defaultRouteDevice() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000")) {
                    return f[0];
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return null;
    }
}
