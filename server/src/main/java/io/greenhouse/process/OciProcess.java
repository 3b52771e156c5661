package io.greenhouse.process;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.WindowSize;
import io.greenhouse.oci.CapabilitiesRule;
import io.greenhouse.oci.EnvRule;
import io.greenhouse.oci.Process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the OCI process spec (runc exec --process, or a pea's init) for a Garden process, as
 * Guardian would, with the capabilities the container's bundle rule grants.
 */
public final class OciProcess {
    static final Set<String> RLIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
            "nice", "nofile", "nproc", "rss", "rtprio", "sigpending", "stack");

    private final CapabilitiesRule capabilities;

    public OciProcess(CapabilitiesRule capabilities) {
        this.capabilities = capabilities;
    }

    public Process build(ProcessTarget target, ProcessSpec spec, ExecUser user, String cwd) {
        if (spec.path().isEmpty()) {
            throw new GardenException("process path is empty");
        }
        List<String> args = new ArrayList<>();
        args.add(spec.path());
        args.addAll(spec.args());
        List<Long> gids = user.additionalGids().stream().map(Integer::toUnsignedLong).toList();
        Process.ConsoleSize console = null;
        if (spec.tty() != null) {
            WindowSize size = spec.tty().orDefault();
            console = new Process.ConsoleSize(size.rows(), size.columns());
        }
        // An exec'd process gets three of the five sets, as from Guardian: no effective or ambient
        // capabilities, so a non-root user holds none until it executes a file that grants them.
        List<String> caps = capabilities.forUser(target.privileged(), user.isRoot());
        return Process.EMPTY
                .withTerminal(spec.tty() != null, console)
                .withUser(new Process.User(Integer.toUnsignedLong(user.uid()), Integer.toUnsignedLong(user.gid()),
                        null, gids))
                .withArgs(args)
                .withEnv(env(target.env(), spec.env(), user))
                .withCwd(cwd)
                .withCapabilities(new Process.CapabilitySets(caps, null, caps, caps, null))
                .withRlimits(rlimits(spec.rlimits()))
                .withNoNewPrivileges(false);
    }

    /**
     * Container env, then the process's (a later entry for a name wins), then a default PATH for
     * the user, USER and HOME when not given.
     */
    static List<String> env(List<String> container, List<String> process, ExecUser user) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (List<String> list : List.of(container, process)) {
            for (String entry : list) {
                int eq = entry.indexOf('=');
                merged.put(eq < 0 ? entry : entry.substring(0, eq), entry);
            }
        }
        List<String> env = new ArrayList<>(EnvRule.withDefaultPath(List.copyOf(merged.values()),
                user.isRoot() ? EnvRule.ROOT_PATH : EnvRule.USER_PATH));
        if (!merged.containsKey("USER")) {
            env.add("USER=" + user.name());
        }
        if (!merged.containsKey("HOME")) {
            env.add("HOME=" + user.home());
        }
        return env;
    }

    /**
     * Garden's names (its ResourceLimits' JSON fields) are the kernel's without the prefix; soft
     * and hard alike, as Guardian sets them. Sorted by name, so the same spec writes the same JSON.
     */
    static List<Process.Rlimit> rlimits(Map<String, Long> limits) {
        List<Process.Rlimit> result = new ArrayList<>();
        new java.util.TreeMap<>(limits).forEach((name, value) -> {
            if (!RLIMITS.contains(name)) {
                throw new GardenException("unknown rlimit: " + name);
            }
            result.add(Process.Rlimit.of("RLIMIT_" + name.toUpperCase(Locale.ROOT), value));
        });
        return result;
    }
}
