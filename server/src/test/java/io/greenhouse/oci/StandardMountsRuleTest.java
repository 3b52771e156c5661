package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardMountsRuleTest {
    private final StandardMountsRule rule = new StandardMountsRule(Plans.INIT);

    private Mount at(Spec spec, String destination) {
        return spec.mounts().stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow();
    }

    @Test
    void procDevAndItsPtsShmMqueueThenSysThenTheInitBinary() {
        Spec spec = rule.apply(Spec.base(), Plans.container());
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", InitProcessRule.INIT_PATH),
                spec.mounts().stream().map(Mount::destination).toList());
    }

    @Test
    void sysIsReadOnlyEvenWhenPrivileged() {
        assertTrue(at(rule.apply(Spec.base(), Plans.container(true)), "/sys").options().contains("ro"));
        assertTrue(at(rule.apply(Spec.base(), Plans.container(false)), "/sys").options().contains("ro"));
    }

    @Test
    void theInitBinaryIsBindMountedReadOnly() {
        Mount init = at(rule.apply(Spec.base(), Plans.container()), InitProcessRule.INIT_PATH);
        assertEquals(new Mount(InitProcessRule.INIT_PATH, "bind", "/helpers/greenhouse-init", List.of("bind", "ro")), init);
    }

    @Test
    void aPrivilegedContainerBindsAWritableInitOfItsOwnFromItsBundle() {
        BundleInput privileged = Plans.container(true);
        Mount init = at(rule.apply(Spec.base(), privileged), InitProcessRule.INIT_PATH);
        assertEquals(new Mount(InitProcessRule.INIT_PATH, "bind",
                privileged.plan().bundleDirectory().resolve(StandardMountsRule.PRIVATE_INIT).toString(),
                List.of("bind")), init);
    }

    @Test
    void peasBindTheHostsInitReadOnlyInAPrivilegedContainerToo() {
        BundleInput pea = Plans.pea(42, false);
        BundleInput privilegedPea = BundleInput.pea(new io.greenhouse.backend.ContainerPlan(pea.plan().handle(), "",
                pea.plan().bundleDirectory(), pea.plan().rootfs(), List.of(), List.of(),
                io.greenhouse.backend.ResourceLimits.NONE, true), pea.pea());
        Mount init = at(rule.apply(Spec.base(), privilegedPea), InitProcessRule.INIT_PATH);
        assertEquals(List.of("bind", "ro"), init.options());
        assertEquals("/helpers/greenhouse-init", init.source());
    }

    @Test
    void mountsComeAfterThoseAlreadyThere() {
        Mount first = new Mount("/first", "tmpfs", "tmpfs", List.of());
        Spec spec = rule.apply(Spec.base().plusMounts(List.of(first)), Plans.container());
        assertEquals(first, spec.mounts().get(0));
        assertEquals(8, spec.mounts().size());
    }

    @Test
    void aContainerWithAStreamsDirectoryBindsItReadOnlyForItsKeptProcesses(@org.junit.jupiter.api.io.TempDir java.nio.file.Path bundle)
            throws java.io.IOException {
        java.nio.file.Files.createDirectory(bundle.resolve(io.greenhouse.backend.Checkpointer.STREAMS_DIRECTORY));
        BundleInput input = BundleInput.container(new io.greenhouse.backend.ContainerPlan("h1", "h1", bundle,
                bundle.resolve("rootfs"), List.of(), List.of(), io.greenhouse.backend.ResourceLimits.NONE, false));
        assertEquals(new Mount(InitProcessRule.STREAMS_PATH, "bind", bundle.resolve("streams").toString(),
                List.of("bind", "ro", "nosuid", "nodev", "noexec")), at(rule.apply(Spec.base(), input), InitProcessRule.STREAMS_PATH));
        assertTrue(rule.apply(Spec.base(), Plans.container()).mounts().stream()
                .noneMatch(m -> m.destination().equals(InitProcessRule.STREAMS_PATH)), "none without the directory");
    }
}
