package io.greenhouse.oci;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The linux section of a spec. A null part is left out. */
@JsonbPropertyOrder({"namespaces", "uidMappings", "gidMappings", "sysctl", "cgroupsPath", "resources", "devices",
        "maskedPaths", "readonlyPaths", "seccomp"})
public record Linux(
        List<Namespace> namespaces,
        List<IdMapping> uidMappings,
        List<IdMapping> gidMappings,
        Map<String, String> sysctl,
        Resources resources,
        String cgroupsPath,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        Seccomp seccomp,
        List<Device> devices) {

    public static final Linux EMPTY = new Linux(null, null, null, null, null, null, null, null, null, null);

    public Linux {
        namespaces = Copies.list(namespaces);
        uidMappings = Copies.list(uidMappings);
        gidMappings = Copies.list(gidMappings);
        sysctl = Copies.map(sysctl);
        maskedPaths = Copies.list(maskedPaths);
        readonlyPaths = Copies.list(readonlyPaths);
        devices = Copies.list(devices);
    }

    public Linux withNamespaces(List<Namespace> n) {
        return new Linux(n, uidMappings, gidMappings, sysctl, resources, cgroupsPath, maskedPaths, readonlyPaths, seccomp, devices);
    }

    public Linux withIdMappings(List<IdMapping> uids, List<IdMapping> gids) {
        return new Linux(namespaces, uids, gids, sysctl, resources, cgroupsPath, maskedPaths, readonlyPaths, seccomp, devices);
    }

    public Linux withSysctl(Map<String, String> s) {
        return new Linux(namespaces, uidMappings, gidMappings, s, resources, cgroupsPath, maskedPaths, readonlyPaths, seccomp, devices);
    }

    public Linux withResources(Resources r) {
        return new Linux(namespaces, uidMappings, gidMappings, sysctl, r, cgroupsPath, maskedPaths, readonlyPaths, seccomp, devices);
    }

    public Linux withResources(UnaryOperator<Resources> change) {
        return withResources(change.apply(resources == null ? Resources.EMPTY : resources));
    }

    public Linux withCgroupsPath(String c) {
        return new Linux(namespaces, uidMappings, gidMappings, sysctl, resources, c, maskedPaths, readonlyPaths, seccomp, devices);
    }

    public Linux withMaskedPaths(List<String> masked, List<String> readonly) {
        return new Linux(namespaces, uidMappings, gidMappings, sysctl, resources, cgroupsPath, masked, readonly, seccomp, devices);
    }

    public Linux withSeccomp(Seccomp s) {
        return new Linux(namespaces, uidMappings, gidMappings, sysctl, resources, cgroupsPath, maskedPaths, readonlyPaths, s, devices);
    }

    public Linux withDevices(List<Device> d) {
        return new Linux(namespaces, uidMappings, gidMappings, sysctl, resources, cgroupsPath, maskedPaths, readonlyPaths, seccomp, d);
    }

    /** A namespace of the container's own (no path), or one it joins by a /proc/PID/ns path. */
    @JsonbPropertyOrder({"type", "path"})
    public record Namespace(String type, String path) {
        public static Namespace own(String type) {
            return new Namespace(type, null);
        }

        public static Namespace join(String type, String path) {
            return new Namespace(type, path);
        }
    }

    /** A range of ids in a user namespace and where it lies on the host. */
    @JsonbPropertyOrder({"containerID", "hostID", "size"})
    public record IdMapping(
            @JsonbProperty("containerID") long containerId,
            @JsonbProperty("hostID") long hostId,
            long size) {
    }

    /** A device node created in the container's /dev. */
    @JsonbPropertyOrder({"path", "type", "major", "minor", "fileMode", "uid", "gid"})
    public record Device(String path, String type, long major, long minor, Integer fileMode, Long uid, Long gid) {
    }

    /**
     * @param defaultAction what a syscall no rule names gets (SCMP_ACT_ERRNO, ...)
     * @param architectures SCMP_ARCH_X86_64, ...
     */
    @JsonbPropertyOrder({"defaultAction", "architectures", "syscalls"})
    public record Seccomp(String defaultAction, List<String> architectures, List<Syscall> syscalls) {
        public Seccomp {
            architectures = Copies.list(architectures);
            syscalls = Copies.list(syscalls);
        }

        @JsonbPropertyOrder({"names", "action", "args"})
        public record Syscall(List<String> names, String action, List<Arg> args) {
            public Syscall {
                names = Copies.list(names);
                args = Copies.list(args);
            }
        }

        /** One argument condition; {@code value} and {@code valueTwo} are unsigned on the wire (kept below 2^63 here). */
        @JsonbPropertyOrder({"index", "value", "valueTwo", "op"})
        public record Arg(long index, long value, long valueTwo, String op) {
        }
    }
}
