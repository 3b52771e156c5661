package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CgroupsPathRuleTest {
    private final CgroupsPathRule rule = new CgroupsPathRule("cells");

    private String path(BundleInput input) {
        return rule.apply(Spec.base(), input).linux().cgroupsPath();
    }

    @Test
    void aContainersPathIsAbsoluteUnderTheParentSoRuncPlacesItAlikeOnV1AndV2() {
        String path = path(Plans.container());
        assertEquals("/cells/h1", path);
        // "slice:prefix:name" would be read as a systemd unit by runC's systemd driver.
        assertFalse(path.contains(":"));
    }

    @Test
    void aPeaIsNestedInItsContainersCgroupSharingItsLimits() {
        assertEquals("/cells/h1/pea-1", path(Plans.pea(4242, false)));
    }

    @Test
    void aPeaWithLimitsOfItsOwnGoesBesideItsContainer() {
        assertEquals("/cells/pea-1", path(Plans.pea(4242, true)));
    }
}
