package io.greenhouse.oci;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ResourceLimits;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Plans and inputs for the rules' tests, and the JSON the rules' output becomes. */
final class Plans {
    static final Path ROOTFS = Path.of("/depot/h1/rootfs");
    static final Path INIT = Path.of("/helpers/greenhouse-init");
    /** Every capability Guardian names: a server that lacks none. */
    static final Set<String> ALL_CAPS = allCaps();

    private Plans() {
    }

    private static Set<String> allCaps() {
        Set<String> all = new HashSet<>(CapabilitiesRule.PRIVILEGED);
        all.addAll(CapabilitiesRule.UNPRIVILEGED);
        return all;
    }

    static ContainerPlan plan(List<String> env, List<BindMount> mounts, ResourceLimits limits, boolean privileged) {
        return new ContainerPlan("h1", "h1", Path.of("/depot/h1"), ROOTFS, env, mounts, limits, privileged);
    }

    static BundleInput container() {
        return BundleInput.container(plan(List.of(), List.of(), ResourceLimits.NONE, false));
    }

    static BundleInput container(boolean privileged) {
        return BundleInput.container(plan(List.of(), List.of(), ResourceLimits.NONE, privileged));
    }

    static BundleInput limited(ResourceLimits limits) {
        return BundleInput.container(plan(List.of(), List.of(), limits, false));
    }

    static BundleInput pea(int containerInitPid, boolean ownLimits) {
        ContainerPlan plan = new ContainerPlan("pea-1", "", Path.of("/depot/h1/processes/p"),
                Path.of("/depot/h1/processes/p/rootfs"), List.of(), List.of(), ResourceLimits.NONE, false);
        Process process = Process.EMPTY.withArgs(List.of("sh"));
        return BundleInput.pea(plan, new BundleInput.Pea("h1", containerInitPid, process, ownLimits));
    }

    static BundleSettings settings(boolean unified) {
        return new BundleSettings(INIT, "cells", unified, ALL_CAPS);
    }

    static JsonObject json(Spec spec) {
        return Json.createReader(new StringReader(new OciJson().toJson(spec))).readObject();
    }

    static JsonObject json(Process process) {
        return Json.createReader(new StringReader(new OciJson().toJson(process))).readObject();
    }
}
