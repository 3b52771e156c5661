package io.greenhouse.oci;

import io.greenhouse.backend.BindMount;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ResourceLimits;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BindMountsRuleTest {
    private static Spec apply(List<BindMount> mounts) {
        return new BindMountsRule().apply(Spec.base(),
                BundleInput.container(Plans.plan(List.of(), mounts, ResourceLimits.NONE, false)));
    }

    @Test
    void bindMountsFromHostAndContainerKeepTheirModeAndStayInsideTheRootfs() {
        Spec spec = apply(List.of(
                new BindMount("/host/data", "/data", true, false),
                new BindMount("/etc/conf", "/conf", false, true)));
        assertEquals(List.of(
                new Mount("/data", "bind", "/host/data", List.of("bind", "rw", "rprivate")),
                new Mount("/conf", "bind", Plans.ROOTFS.resolve("etc/conf").toString(), List.of("bind", "ro", "rprivate"))),
                spec.mounts());
    }

    @Test
    void bindMountsThatEscapeTheContainerOrAreRelativeAreRefused() {
        for (BindMount bad : List.of(
                new BindMount("/../../etc", "/x", false, true),
                new BindMount("relative", "/x", false, false),
                new BindMount("/ok", "relative", false, false),
                new BindMount("/ok", null, false, false),
                new BindMount(null, "/x", false, false))) {
            assertThrows(GardenException.class, () -> apply(List.of(bad)), bad.toString());
        }
    }

    @Test
    void noBindMountsAddNothing() {
        assertEquals(List.of(), apply(List.of()).mounts());
    }
}
