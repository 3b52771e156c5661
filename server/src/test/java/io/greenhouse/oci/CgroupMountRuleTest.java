package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CgroupMountRuleTest {
    @Test
    void unprivilegedContainersAndPeasOnCgroupV1SeeTheirCgroupsReadOnly() {
        for (BundleInput input : new BundleInput[] {Plans.container(false), Plans.pea(1, false)}) {
            List<Mount> mounts = new CgroupMountRule(false).apply(Spec.base(), input).mounts();
            assertEquals(List.of(new Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("ro", "nosuid", "noexec", "nodev"))),
                    mounts);
        }
    }

    @Test
    void privilegedContainersAndCgroupV2GetNone() {
        assertTrue(new CgroupMountRule(false).apply(Spec.base(), Plans.container(true)).mounts().isEmpty());
        assertTrue(new CgroupMountRule(true).apply(Spec.base(), Plans.container(false)).mounts().isEmpty());
    }
}
