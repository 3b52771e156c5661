package io.greenhouse.oci;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeccompRuleTest {
    private final SeccompProfiles profiles = SeccompProfiles.load("amd64");
    private final SeccompRule rule = new SeccompRule(profiles);

    private static Set<String> allowedUnconditionally(Linux.Seccomp s) {
        return s.syscalls().stream().filter(c -> c.action().equals("SCMP_ACT_ALLOW") && c.args() == null)
                .flatMap(c -> c.names().stream()).collect(Collectors.toSet());
    }

    @Test
    void unprivilegedContainersAndPeasGetTheAllowlist() {
        for (BundleInput input : new BundleInput[] {Plans.container(false), Plans.pea(1, false)}) {
            Linux.Seccomp s = rule.apply(Spec.base(), input).linux().seccomp();
            assertSame(profiles.unprivileged(), s);
            assertEquals("SCMP_ACT_ERRNO", s.defaultAction(), "what is not allowed fails with EPERM");
            assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), s.architectures());
        }
    }

    @Test
    void theAllowlistLeavesOutWhatReachesPastTheContainer() {
        Set<String> allowed = allowedUnconditionally(profiles.unprivileged());
        assertTrue(allowed.containsAll(Set.of("read", "write", "execve", "openat", "wait4", "socket", "chroot")));
        for (String denied : List.of("unshare", "setns", "mount", "umount2", "pivot_root", "keyctl", "add_key",
                "request_key", "bpf", "perf_event_open", "kexec_load", "init_module", "open_by_handle_at",
                "clock_settime", "settimeofday", "userfaultfd", "clone", "clone3", "personality", "io_uring_setup")) {
            assertFalse(allowed.contains(denied), denied);
        }
    }

    @Test
    void cloneOnlyWithoutNamespaceFlagsAndClone3FallsBack() {
        Linux.Seccomp s = profiles.unprivileged();
        Linux.Seccomp.Syscall clone = s.syscalls().stream().filter(c -> c.names().equals(List.of("clone"))).findFirst().orElseThrow();
        // CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET must all be clear.
        assertEquals(List.of(new Linux.Seccomp.Arg(0, 0x7E020000L, 0, "SCMP_CMP_MASKED_EQ")), clone.args());
        Linux.Seccomp.Syscall clone3 = s.syscalls().stream().filter(c -> c.names().equals(List.of("clone3"))).findFirst().orElseThrow();
        assertEquals("SCMP_ACT_ERRNO", clone3.action());
        assertEquals(38, clone3.errnoRet(), "ENOSYS");
        JsonObject json = Plans.json(rule.apply(Spec.base(), Plans.container(false))).getJsonObject("linux").getJsonObject("seccomp");
        assertTrue(json.toString().contains("\"errnoRet\":38"));
        assertTrue(json.toString().contains("\"value\":4294967295"), "personality(0xffffffff) queries the persona");
    }

    @Test
    void privilegedContainersGetTheLooserProfile() {
        Linux.Seccomp s = rule.apply(Spec.base(), Plans.container(true)).linux().seccomp();
        assertSame(profiles.privileged(), s);
        assertEquals("SCMP_ACT_ALLOW", s.defaultAction());
        Set<String> denied = s.syscalls().stream().flatMap(c -> c.names().stream()).collect(Collectors.toSet());
        assertTrue(denied.containsAll(Set.of("kexec_load", "init_module", "open_by_handle_at")));
        assertFalse(denied.contains("mount"), "privileged containers may mount");
    }

    @Test
    void aHostArchitectureWithoutProfileIsRefused() {
        assertThrows(IllegalStateException.class, () -> SeccompProfiles.load("sparc"));
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), SeccompProfiles.load("aarch64").unprivileged().architectures());
    }
}
