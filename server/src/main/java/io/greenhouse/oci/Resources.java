package io.greenhouse.oci;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * The cgroup settings of a container (linux.resources). A null part is left out, and so left as
 * the runtime creates it.
 *
 * @param unified cgroup v2 files written as given (cpu.weight, ...)
 */
@JsonbPropertyOrder({"devices", "memory", "cpu", "pids", "unified"})
public record Resources(List<DeviceCgroup> devices, Memory memory, Cpu cpu, Pids pids, Map<String, String> unified) {
    public static final Resources EMPTY = new Resources(null, null, null, null, null);

    public Resources {
        devices = Copies.list(devices);
        unified = Copies.map(unified);
    }

    public Resources withDevices(List<DeviceCgroup> d) {
        return new Resources(d, memory, cpu, pids, unified);
    }

    public Resources withMemory(Memory m) {
        return new Resources(devices, m, cpu, pids, unified);
    }

    public Resources withCpu(Cpu c) {
        return new Resources(devices, memory, c, pids, unified);
    }

    public Resources withPids(Pids p) {
        return new Resources(devices, memory, cpu, p, unified);
    }

    public Resources withUnified(Map<String, String> u) {
        return new Resources(devices, memory, cpu, pids, u);
    }

    /** These cgroup v2 files besides those already given (a later value for a file wins). */
    public Resources plusUnified(Map<String, String> more) {
        Map<String, String> all = new java.util.TreeMap<>(unified == null ? Map.of() : unified);
        all.putAll(more);
        return withUnified(all);
    }

    /** A device cgroup rule: allow or deny access (r, w, m) to devices of a type, major and minor (null: all). */
    @JsonbPropertyOrder({"allow", "type", "major", "minor", "access"})
    public record DeviceCgroup(boolean allow, String type, Long major, Long minor, String access) {
        public static DeviceCgroup denyAll() {
            return new DeviceCgroup(false, null, null, null, "rwm");
        }
    }

    /** Bytes; swap is memory plus swap, as in runC. */
    @JsonbPropertyOrder({"limit", "reservation", "swap"})
    public record Memory(Long limit, Long reservation, Long swap) {
    }

    @JsonbPropertyOrder({"shares", "quota", "period"})
    public record Cpu(Long shares, Long quota, Long period) {
    }

    public record Pids(long limit) {
    }
}
