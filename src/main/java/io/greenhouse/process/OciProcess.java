package io.greenhouse.process;

import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.WindowSize;
import io.greenhouse.runc.BundleBuilder;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the OCI process spec (runc exec --process) for a Garden process, as Guardian would. */
public final class OciProcess {
    public static final String ROOT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final String USER_PATH = "PATH=/usr/local/bin:/usr/bin:/bin";

    /** A non-root user gets at most these, even in a privileged container (as in Guardian). */
    static final Set<String> NON_ROOT_MAX_CAPS = Set.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_SYS_ADMIN");

    static final Set<String> RLIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
            "nice", "nofile", "nproc", "rss", "rtprio", "sigpending", "stack");

    private OciProcess() {
    }

    public static JsonObject build(ProcessTarget target, ProcessSpec spec, ExecUser user, String cwd) {
        if (spec.path().isEmpty()) {
            throw new GardenException("process path is empty");
        }
        JsonArrayBuilder args = Json.createArrayBuilder().add(spec.path());
        spec.args().forEach(args::add);
        JsonArrayBuilder gids = Json.createArrayBuilder();
        user.additionalGids().forEach(g -> gids.add(Integer.toUnsignedLong(g)));
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("terminal", spec.tty() != null)
                .add("user", Json.createObjectBuilder()
                        .add("uid", Integer.toUnsignedLong(user.uid()))
                        .add("gid", Integer.toUnsignedLong(user.gid()))
                        .add("additionalGids", gids))
                .add("args", args)
                .add("env", strings(env(target.env(), spec.env(), user)))
                .add("cwd", cwd)
                .add("capabilities", capabilities(target.privileged(), user))
                .add("rlimits", rlimits(spec.rlimits()))
                .add("noNewPrivileges", false);
        if (spec.tty() != null) {
            WindowSize size = spec.tty().orDefault();
            b.add("consoleSize", Json.createObjectBuilder().add("height", size.rows()).add("width", size.columns()));
        }
        return b.build();
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
        List<String> env = new ArrayList<>(merged.values());
        if (!merged.containsKey("PATH")) {
            env.add(user.isRoot() ? ROOT_PATH : USER_PATH);
        }
        if (!merged.containsKey("USER")) {
            env.add("USER=" + user.name());
        }
        if (!merged.containsKey("HOME")) {
            env.add("HOME=" + user.home());
        }
        return env;
    }

    static JsonObjectBuilder capabilities(boolean privileged, ExecUser user) {
        List<String> caps = new ArrayList<>(BundleBuilder.containerCapabilities(privileged));
        if (!user.isRoot()) {
            caps.retainAll(NON_ROOT_MAX_CAPS);
        }
        // A JsonArrayBuilder empties itself when built: one per set.
        return Json.createObjectBuilder()
                .add("bounding", strings(caps)).add("inheritable", strings(caps)).add("permitted", strings(caps));
    }

    static JsonArrayBuilder rlimits(Map<String, Long> limits) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        limits.forEach((name, value) -> {
            if (!RLIMITS.contains(name)) {
                throw new GardenException("unknown rlimit: " + name);
            }
            a.add(Json.createObjectBuilder()
                    .add("type", "RLIMIT_" + name.toUpperCase(Locale.ROOT))
                    .add("hard", unsigned(value))
                    .add("soft", unsigned(value)));
        });
        return a;
    }

    /** Limits are unsigned 64-bit on the wire (RLIM_INFINITY is 2^64-1); they travel as long bits. */
    private static java.math.BigInteger unsigned(long value) {
        return new java.math.BigInteger(Long.toUnsignedString(value));
    }

    private static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
