package io.greenhouse.runc;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.CpuShares;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.linux.Capabilities;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.nio.file.Path;
import java.util.List;

/**
 * Translates a container plan into an OCI runtime config: namespaces, mounts, capabilities,
 * cgroup limits and the init process every later process is exec'd beside.
 */
public final class BundleBuilder {
    /** Where the init binary appears inside every container (as in Guardian). */
    public static final String INIT_PATH = "/tmp/garden-init";

    /** Guardian's capability set for unprivileged containers. */
    static final List<String> UNPRIVILEGED_CAPS = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    static final List<String> PRIVILEGED_CAPS = List.of(
            "CAP_AUDIT_CONTROL", "CAP_AUDIT_READ", "CAP_AUDIT_WRITE", "CAP_BLOCK_SUSPEND", "CAP_CHOWN",
            "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_KILL", "CAP_LEASE", "CAP_LINUX_IMMUTABLE", "CAP_MAC_ADMIN",
            "CAP_MAC_OVERRIDE", "CAP_MKNOD", "CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
            "CAP_NET_RAW", "CAP_SETGID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_CHROOT", "CAP_SYS_MODULE", "CAP_SYS_NICE", "CAP_SYS_PACCT",
            "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_SYSLOG", "CAP_WAKE_ALARM");

    static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware");

    static final List<String> READONLY_PATHS = List.of(
            "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final Path initBinary;
    private final String cgroupParent;
    private final boolean unifiedCgroups;

    public BundleBuilder(Path initBinary, String cgroupParent) {
        this(initBinary, cgroupParent, false);
    }

    /** On cgroup v2 ({@code unifiedCgroups}) CPU limits are written as the weight Guardian would set. */
    public BundleBuilder(Path initBinary, String cgroupParent, boolean unifiedCgroups) {
        this.initBinary = initBinary;
        this.cgroupParent = cgroupParent;
        this.unifiedCgroups = unifiedCgroups;
    }

    public String cgroupsPath(String handle) {
        return "/" + cgroupParent + "/" + handle;
    }

    public JsonObject config(ContainerPlan plan) {
        return Json.createObjectBuilder()
                .add("ociVersion", "1.0.2")
                .add("process", initProcess(plan))
                .add("root", Json.createObjectBuilder().add("path", plan.rootfs().toString()).add("readonly", false))
                .add("hostname", plan.hostname())
                .add("mounts", mounts(plan))
                .add("linux", linux(plan))
                .build();
    }

    /**
     * The bundle of a pea: a sidecar container with its own root filesystem and mount namespace
     * that joins the network, IPC, UTS and PID namespaces of the container whose init has
     * {@code sandboxInitPid}, and whose init is the pea's process itself. No hostname: the UTS
     * namespace is the container's, which keeps its own.
     */
    public JsonObject peaConfig(ContainerPlan pea, JsonObject process, int sandboxInitPid, String cgroupsPath) {
        if (sandboxInitPid <= 0) {
            throw new GardenException("the container of pea " + pea.handle() + " is not running");
        }
        JsonArrayBuilder namespaces = Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("type", "mount"));
        for (String[] ns : new String[][] {{"network", "net"}, {"ipc", "ipc"}, {"uts", "uts"}, {"pid", "pid"}}) {
            namespaces.add(Json.createObjectBuilder().add("type", ns[0])
                    .add("path", "/proc/" + sandboxInitPid + "/ns/" + ns[1]));
        }
        JsonObjectBuilder linux = Json.createObjectBuilder()
                .add("namespaces", namespaces)
                .add("cgroupsPath", cgroupsPath)
                .add("resources", resources(pea.limits(), unifiedCgroups));
        if (!pea.privileged()) {
            linux.add("maskedPaths", strings(MASKED_PATHS)).add("readonlyPaths", strings(READONLY_PATHS));
        }
        return Json.createObjectBuilder()
                .add("ociVersion", "1.0.2")
                .add("process", process)
                .add("root", Json.createObjectBuilder().add("path", pea.rootfs().toString()).add("readonly", false))
                .add("mounts", mounts(pea))
                .add("linux", linux)
                .build();
    }

    private JsonObjectBuilder initProcess(ContainerPlan plan) {
        return Json.createObjectBuilder()
                .add("terminal", false)
                .add("user", Json.createObjectBuilder().add("uid", 0).add("gid", 0))
                .add("args", Json.createArrayBuilder().add(INIT_PATH))
                .add("env", strings(withDefaultPath(plan.env())))
                .add("cwd", "/")
                .add("capabilities", capabilities(plan.privileged()))
                .add("noNewPrivileges", false);
    }

    /** A root PATH when the image and spec give none, as Guardian gives processes. */
    public static final String ROOT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static List<String> withDefaultPath(List<String> env) {
        if (env.stream().anyMatch(e -> e.startsWith("PATH="))) {
            return env;
        }
        List<String> withPath = new java.util.ArrayList<>(env);
        withPath.add(ROOT_PATH);
        return withPath;
    }

    /**
     * Guardian's capability list for the container, less any capability this server does not
     * have itself (runC cannot grant those and would refuse to start the container).
     */
    public static List<String> containerCapabilities(boolean privileged) {
        List<String> caps = new java.util.ArrayList<>(privileged ? PRIVILEGED_CAPS : UNPRIVILEGED_CAPS);
        caps.retainAll(Capabilities.boundingOfThisProcess());
        return caps;
    }

    public static JsonObjectBuilder capabilities(boolean privileged) {
        List<String> caps = containerCapabilities(privileged);
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (String set : List.of("bounding", "effective", "inheritable", "permitted", "ambient")) {
            // A fresh array for each set: adding a builder builds it, and building empties it.
            b.add(set, strings(caps));
        }
        return b;
    }

    private JsonArrayBuilder mounts(ContainerPlan plan) {
        JsonArrayBuilder m = Json.createArrayBuilder()
                .add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")))
                .add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")))
                .add(mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")))
                .add(mount("/dev/shm", "tmpfs", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")))
                .add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")))
                // read-only for privileged containers too, as in Guardian
                .add(mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")))
                .add(mount(INIT_PATH, initBinary.toString(), "bind", List.of("bind", "ro")));
        for (BindMount b : plan.bindMounts()) {
            m.add(bindMount(plan, b));
        }
        return m;
    }

    private static JsonObjectBuilder bindMount(ContainerPlan plan, BindMount b) {
        if (b.destinationPath() == null || !b.destinationPath().startsWith("/")) {
            throw new GardenException("bind mount destination must be an absolute path: " + b.destinationPath());
        }
        if (b.sourcePath() == null || !b.sourcePath().startsWith("/")) {
            throw new GardenException("bind mount source must be an absolute path: " + b.sourcePath());
        }
        String source = b.fromContainer()
                ? plan.rootfs().resolve(b.sourcePath().substring(1)).normalize().toString()
                : b.sourcePath();
        if (b.fromContainer() && !Path.of(source).startsWith(plan.rootfs())) {
            throw new GardenException("bind mount source escapes the container: " + b.sourcePath());
        }
        return mount(b.destinationPath(), source, "bind",
                List.of("bind", b.readWrite() ? "rw" : "ro", "rprivate"));
    }

    private static JsonObjectBuilder mount(String destination, String source, String type, List<String> options) {
        return Json.createObjectBuilder()
                .add("destination", destination)
                .add("type", type)
                .add("source", source)
                .add("options", strings(options));
    }

    private JsonObjectBuilder linux(ContainerPlan plan) {
        JsonArrayBuilder namespaces = Json.createArrayBuilder();
        for (String ns : List.of("pid", "network", "ipc", "uts", "mount")) {
            namespaces.add(Json.createObjectBuilder().add("type", ns));
        }
        JsonObjectBuilder linux = Json.createObjectBuilder()
                .add("namespaces", namespaces)
                .add("cgroupsPath", cgroupsPath(plan.handle()))
                .add("resources", resources(plan.limits(), unifiedCgroups));
        if (!plan.privileged()) {
            linux.add("maskedPaths", strings(MASKED_PATHS)).add("readonlyPaths", strings(READONLY_PATHS));
        }
        return linux;
    }

    static JsonObjectBuilder resources(ResourceLimits limits) {
        return resources(limits, false);
    }

    static JsonObjectBuilder resources(ResourceLimits limits, boolean unifiedCgroups) {
        JsonObjectBuilder r = Json.createObjectBuilder()
                .add("devices", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("allow", false).add("access", "rwm")));
        if (limits.memoryBytes() > 0) {
            r.add("memory", Json.createObjectBuilder()
                    .add("limit", limits.memoryBytes())
                    .add("swap", limits.memoryBytes()));
        }
        if (limits.effectiveCpuShares() > 0 && unifiedCgroups) {
            // runC's own shares-to-weight mapping differs between versions; write the weight
            // Guardian writes so the limit applied is the one reported back
            r.add("unified", Json.createObjectBuilder()
                    .add("cpu.weight", Long.toString(CpuShares.toWeight(limits.effectiveCpuShares()))));
        } else if (limits.effectiveCpuShares() > 0) {
            r.add("cpu", Json.createObjectBuilder().add("shares", cpuShares(limits.effectiveCpuShares())));
        }
        if (limits.pidsMax() > 0) {
            r.add("pids", Json.createObjectBuilder().add("limit", limits.pidsMax()));
        }
        return r;
    }

    /** The kernel's cpu.shares range; cgroup v1 clamps to it silently. */
    static final long MIN_CPU_SHARES = 2;
    static final long MAX_CPU_SHARES = 262_144;

    /**
     * On cgroup v2 runC converts shares to cpu.weight, which must lie in 1..10000: shares outside
     * the v1 range would become a weight the kernel refuses, so they are clamped here as v1 would.
     */
    static long cpuShares(long requested) {
        return Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, requested));
    }

    static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
