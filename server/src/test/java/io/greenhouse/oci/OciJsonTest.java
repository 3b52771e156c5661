package io.greenhouse.oci;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The JSON runC reads: OCI field names, absent parts left out, unsigned numbers as such. */
class OciJsonTest {
    @Test
    void theBaseHasOnlyTheVersionAnEmptyProcessNoMountsAndAnEmptyLinuxSection() {
        JsonObject json = Plans.json(Spec.base());
        assertEquals("1.0.2", json.getString("ociVersion"));
        assertEquals(Map.of("terminal", false, "noNewPrivileges", false).keySet(), json.getJsonObject("process").keySet());
        assertEquals(0, json.getJsonArray("mounts").size());
        assertEquals(0, json.getJsonObject("linux").size());
        assertFalse(json.containsKey("root") || json.containsKey("hostname"));
    }

    @Test
    void userNamespaceMappingsSysctlSeccompAndDevicesUseTheOciNames() {
        Spec spec = Spec.base().withLinux(l -> l
                .withIdMappings(List.of(new Linux.IdMapping(0, 100000, 65536)), List.of(new Linux.IdMapping(0, 100000, 65536)))
                .withSysctl(Map.of("net.ipv4.ip_forward", "0"))
                .withSeccomp(new Linux.Seccomp("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64"), List.of(
                        new Linux.Seccomp.Syscall(List.of("clone"), "SCMP_ACT_ALLOW",
                                List.of(new Linux.Seccomp.Arg(0, 0x10000000L, 0, "SCMP_CMP_MASKED_EQ"))))))
                .withDevices(List.of(new Linux.Device("/dev/fuse", "c", 10, 229, 0666, 0L, 0L))));
        JsonObject linux = Plans.json(spec).getJsonObject("linux");
        JsonObject uid = linux.getJsonArray("uidMappings").getJsonObject(0);
        assertEquals(100000, uid.getInt("hostID"));
        assertEquals(0, uid.getInt("containerID"));
        assertEquals(65536, uid.getInt("size"));
        assertEquals("0", linux.getJsonObject("sysctl").getString("net.ipv4.ip_forward"));
        JsonObject seccomp = linux.getJsonObject("seccomp");
        assertEquals("SCMP_ACT_ERRNO", seccomp.getString("defaultAction"));
        JsonObject arg = seccomp.getJsonArray("syscalls").getJsonObject(0).getJsonArray("args").getJsonObject(0);
        assertEquals(0x10000000L, arg.getJsonNumber("value").longValue());
        assertEquals("SCMP_CMP_MASKED_EQ", arg.getString("op"));
        assertEquals(0666, linux.getJsonArray("devices").getJsonObject(0).getInt("fileMode"));
    }

    @Test
    void idsAreUnsignedAndAnUnsetUmaskOrGidListIsLeftOut() {
        Process p = Process.EMPTY.withUser(new Process.User(Integer.toUnsignedLong(-2), 0, null, null));
        JsonObject user = Plans.json(p).getJsonObject("user");
        assertEquals(4294967294L, user.getJsonNumber("uid").longValue());
        assertFalse(user.containsKey("umask") || user.containsKey("additionalGids"));
        assertEquals(0022, Plans.json(Process.EMPTY.withUser(new Process.User(0, 0, 0022, List.of())))
                .getJsonObject("user").getInt("umask"));
    }

    @Test
    void theConfigIsWrittenIntoTheBundleDirectory() throws Exception {
        Path dir = Files.createTempDirectory("bundle");
        try {
            new OciJson().writeConfig(dir, Spec.base().withHostname("x"));
            assertEquals(new OciJson().toJson(Spec.base().withHostname("x")), Files.readString(dir.resolve(OciJson.CONFIG)));
        } finally {
            Files.deleteIfExists(dir.resolve(OciJson.CONFIG));
            Files.delete(dir);
        }
    }
}
