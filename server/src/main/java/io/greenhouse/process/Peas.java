package io.greenhouse.process;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.ContainerPlan;
import io.greenhouse.backend.ContainerRuntime;
import io.greenhouse.backend.ProcessSpec;
import io.greenhouse.backend.ProcessTarget;
import io.greenhouse.backend.ResourceLimits;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.linux.HostCommand;
import io.greenhouse.oci.BundleInput;
import io.greenhouse.oci.BundleRules;
import io.greenhouse.oci.OciJson;
import io.greenhouse.oci.Process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Peas: processes with an image of their own, run as sidecar runtime containers that share the
 * network, IPC, UTS and PID namespaces of their container. A pea lives in its process directory:
 * its overlay (overlay/, rootfs/) and its bundle (config.json). Peas are kept under a runtime root
 * of their own, so they are never taken for containers (nor removed as unknown ones on reload).
 * The pea's monitor removes the runtime container and unmounts the rootfs when the process exits.
 */
public final class Peas {
    private static final Logger LOG = Logger.getLogger(Peas.class.getName());

    private final RootfsProvider rootfs;
    private final ContainerRuntime containers;
    private final BundleRules bundle;
    private final OciJson json = new OciJson();
    private final String runtimeBinary;
    private final Path runtimeRoot;

    /** @param bundle the rules of a pea's bundle (the cell's {@code CellBundles.pea()}) */
    public Peas(RootfsProvider rootfs, ContainerRuntime containers, BundleRules bundle,
                String runtimeBinary, Path runtimeRoot) {
        this.rootfs = rootfs;
        this.containers = containers;
        this.bundle = bundle;
        this.runtimeBinary = runtimeBinary;
        this.runtimeRoot = runtimeRoot;
    }

    Path runtimeRoot() {
        return runtimeRoot;
    }

    /** The runtime's id of a pea: process ids may hold characters runtime ids may not. */
    static String runtimeId(String handle, String processId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((handle + "\0" + processId).getBytes(StandardCharsets.UTF_8));
            return "pea-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isPea(Path processDir) {
        return Files.exists(processDir.resolve(OciJson.CONFIG));
    }

    /** Mounts the pea's root filesystem in its process directory; the target describes the pea. */
    ProcessTarget mountRootfs(ProcessTarget container, ProcessSpec spec, String runtimeId, Path dir) {
        RootfsProvider.Rootfs fs = rootfs.create(runtimeId, spec.image(), dir);
        return new ProcessTarget(container.handle(), dir, fs.path(), fs.env(), container.privileged());
    }

    /** Writes the pea's bundle around its process spec, joining the container's namespaces. */
    void writeBundle(ProcessTarget container, ProcessTarget pea, ProcessSpec spec, String runtimeId,
                     Process process) {
        int sandboxInit = containers.state(container.handle()).pid();
        ResourceLimits limits = spec.limitsOverride() == null ? ResourceLimits.NONE : spec.limitsOverride();
        // The container's shared mounts (its /etc/hosts and /etc/resolv.conf) first, the pea's own after.
        List<BindMount> mounts = new ArrayList<>(container.sharedMounts());
        mounts.addAll(spec.bindMounts());
        ContainerPlan plan = new ContainerPlan(runtimeId, "", pea.directory(), pea.rootfs(), pea.env(),
                mounts, limits, container.privileged());
        BundleInput.Pea sidecar = new BundleInput.Pea(container.handle(), sandboxInit, process,
                spec.limitsOverride() != null);
        json.writeConfig(pea.directory(), bundle.build(BundleInput.pea(plan, sidecar)));
    }

    /** Removes the pea's runtime container and rootfs; safe when the monitor already did. */
    void remove(String runtimeId, Path dir) {
        HostCommand.Result r = HostCommand.run(List.of(runtimeBinary, "--root", runtimeRoot.toString(),
                "delete", "--force", runtimeId), Duration.ofSeconds(30));
        if (!r.ok()) {
            LOG.log(Level.FINE, () -> "deleting pea " + runtimeId + ": " + r.message());
        }
        rootfs.destroy(runtimeId, dir);
    }
}
