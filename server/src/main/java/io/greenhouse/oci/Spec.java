package io.greenhouse.oci;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The parts of an OCI runtime spec ({@code config.json}) Greenhouse writes. A null part is left
 * out of the JSON. Records are immutable: bundle rules return modified copies.
 */
@JsonbPropertyOrder({"ociVersion", "process", "root", "hostname", "mounts", "linux"})
public record Spec(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts, Linux linux) {
    public static final String VERSION = "1.0.2";

    public Spec {
        mounts = Copies.list(mounts);
    }

    /** What every bundle's rules start from: an empty process, no mounts, an empty linux section. */
    public static Spec base() {
        return new Spec(VERSION, Process.EMPTY, null, null, List.of(), Linux.EMPTY);
    }

    public Spec withProcess(Process p) {
        return new Spec(ociVersion, p, root, hostname, mounts, linux);
    }

    public Spec withProcess(UnaryOperator<Process> change) {
        return withProcess(change.apply(process == null ? Process.EMPTY : process));
    }

    public Spec withRoot(Root r) {
        return new Spec(ociVersion, process, r, hostname, mounts, linux);
    }

    public Spec withHostname(String h) {
        return new Spec(ociVersion, process, root, h, mounts, linux);
    }

    /** These mounts after the ones already there: runC mounts in order. */
    public Spec plusMounts(List<Mount> more) {
        return new Spec(ociVersion, process, root, hostname, Copies.append(mounts, more), linux);
    }

    public Spec withLinux(Linux l) {
        return new Spec(ociVersion, process, root, hostname, mounts, l);
    }

    public Spec withLinux(UnaryOperator<Linux> change) {
        return withLinux(change.apply(linux == null ? Linux.EMPTY : linux));
    }
}
