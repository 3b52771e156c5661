package io.greenhouse.it;

import io.greenhouse.testsupport.HostTraces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test makes on this machine as a destination for containers' egress: a
 * process in a namespace of its own (unshare), joined to the host by a veth pair with the address
 * {@code hostIp} on the host side and {@code ip} inside, and listeners the test starts in it. Closing
 * it kills the process; the namespace and the veth go with it.
 */
final class TestNamespace implements AutoCloseable {
    final String ip;
    final String hostIp;
    private final String link;
    private final Process holder;
    private final List<Process> listeners = new ArrayList<>();

    /** {@code subnet} is the first three octets of a /30 (.1 the host's, .2 the namespace's). */
    TestNamespace(String link, String subnet) {
        this.link = link;
        this.hostIp = subnet + ".1";
        this.ip = subnet + ".2";
        try {
            holder = new ProcessBuilder("unshare", "--net", "sleep", "600").start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long pid = holder.pid();
        TestCell.eventually(java.time.Duration.ofSeconds(5),
                () -> !readLink("/proc/" + pid + "/ns/net").equals(readLink("/proc/self/ns/net")));
        check("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", Long.toString(pid));
        check("ip", "addr", "add", hostIp + "/30", "dev", link);
        check("ip", "link", "set", link, "up");
        try {
            // Replies from the namespace are forwarded to the containers' bridges.
            Files.writeString(Path.of("/proc/sys/net/ipv4/conf", link, "forwarding"), "1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        in("ip", "addr", "add", ip + "/30", "dev", "eth0");
        in("ip", "link", "set", "eth0", "up");
        in("ip", "link", "set", "lo", "up");
        in("ip", "route", "add", "default", "via", hostIp);
    }

    /** A TCP server on the port answering every connection with {@code reply}. */
    void serve(int port, String reply) {
        try {
            listeners.add(new ProcessBuilder(command("busybox", "nc", "-ll", "-p", Integer.toString(port), "-e",
                    "echo", reply)).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void in(String... command) {
        check(command(command).toArray(String[]::new));
    }

    private List<String> command(String... command) {
        List<String> c = new ArrayList<>(List.of("nsenter", "--net=/proc/" + holder.pid() + "/ns/net"));
        c.addAll(List.of(command));
        return c;
    }

    private static void check(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readLink(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        listeners.forEach(Process::destroyForcibly);
        holder.destroyForcibly();
        try {
            holder.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TestCell.eventually(java.time.Duration.ofSeconds(10), () -> !Files.exists(Path.of("/sys/class/net", link)));
        if (Files.exists(Path.of("/sys/class/net", link))) {
            HostTraces.run("ip", "link", "del", link);
        }
    }
}
