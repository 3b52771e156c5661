package io.greenhouse.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BundleRulesTest {
    @Test
    void rulesApplyInOrderEachToTheLastOnesResult() {
        BundleRule first = (spec, in) -> spec.withHostname("first");
        BundleRule second = (spec, in) -> spec.withHostname(spec.hostname() + "+second");
        assertEquals("first+second", BundleRules.of(first, second).build(Plans.container()).hostname());
    }

    @Test
    void theBaseIsAnEmptySpecOfTheOciVersionAndRulesLeaveTheirArgumentAlone() {
        Spec base = Spec.base();
        Spec built = BundleRules.of(new RootfsRule(), new StandardMountsRule(Plans.INIT)).apply(base, Plans.container());
        assertEquals(Spec.base(), base);
        assertEquals(List.of(), base.mounts());
        assertEquals(Spec.VERSION, built.ociVersion());
        assertEquals(7, built.mounts().size());
    }

    @Test
    void aFoldIsARuleSoFoldsCompose() {
        BundleRules inner = BundleRules.of(new HostnameRule());
        Spec spec = BundleRules.of(inner, new RootfsRule()).build(Plans.container());
        assertEquals("h1", spec.hostname());
        assertEquals(Plans.ROOTFS.toString(), spec.root().path());
    }

    @Test
    void noRulesMakeTheBase() {
        Spec base = Spec.base();
        assertEquals(base, new BundleRules(List.of()).apply(base, Plans.container()));
        assertSame(base, new BundleRules(List.of()).apply(base, Plans.container()));
    }
}
