package io.greenhouse.oci;

import io.greenhouse.backend.UserNamespace;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class UserNamespaceRuleTest {
    private final UserNamespaceRule rule = new UserNamespaceRule(UserNamespace.guardian());
    private static final List<Linux.IdMapping> GUARDIAN = List.of(
            new Linux.IdMapping(0, 4294967294L, 1), new Linux.IdMapping(1, 1, 4294967293L));

    @Test
    void unprivilegedContainersGetTheirOwnWithGuardiansMapping() {
        Spec spec = new OwnNamespacesRule().apply(Spec.base(), Plans.container(false));
        Linux linux = rule.apply(spec, Plans.container(false)).linux();
        assertEquals(Linux.Namespace.own("user"), linux.namespaces().get(linux.namespaces().size() - 1));
        assertEquals(6, linux.namespaces().size());
        assertEquals(GUARDIAN, linux.uidMappings());
        assertEquals(GUARDIAN, linux.gidMappings());
        String json = Plans.json(rule.apply(spec, Plans.container(false))).getJsonObject("linux").toString();
        assertEquals(true, json.contains("\"hostID\":4294967294"), json);
    }

    @Test
    void peasJoinTheirContainersUserNamespace() {
        Spec spec = new JoinNamespacesRule().apply(Spec.base(), Plans.pea(4242, false));
        Linux linux = rule.apply(spec, Plans.pea(4242, false)).linux();
        assertEquals(Linux.Namespace.join("user", "/proc/4242/ns/user"), linux.namespaces().get(linux.namespaces().size() - 1));
        assertEquals(GUARDIAN, linux.uidMappings());
    }

    @Test
    void privilegedContainersAndACellWithoutUserNamespacesGetNone() {
        Spec privileged = rule.apply(Spec.base(), Plans.container(true));
        assertNull(privileged.linux().namespaces());
        assertNull(privileged.linux().uidMappings());
        Spec off = new UserNamespaceRule(null).apply(Spec.base(), Plans.container(false));
        assertNull(off.linux().uidMappings());
        assertNull(rule.forContainer(true));
        assertSame(UserNamespace.guardian().getClass(), rule.forContainer(false).getClass());
    }

    @Test
    void mappingsAreConfigurable() {
        UserNamespace custom = new UserNamespace(UserNamespace.parseRanges("0:100000:65536"),
                UserNamespace.parseRanges("0:200000:65536"));
        Linux linux = new UserNamespaceRule(custom).apply(Spec.base(), Plans.container(false)).linux();
        assertEquals(List.of(new Linux.IdMapping(0, 100000, 65536)), linux.uidMappings());
        assertEquals(List.of(new Linux.IdMapping(0, 200000, 65536)), linux.gidMappings());
        assertEquals(100005, custom.hostUid(5));
        assertEquals(-1, custom.hostUid(70000));
        assertEquals(4294967294L, UserNamespace.guardian().hostUid(0));
        assertEquals(1000, UserNamespace.guardian().hostGid(1000));
    }
}
