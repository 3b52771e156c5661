package io.greenhouse.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the running test cell did to the host before its first create. */
class HostPreparationIT extends CellTestSupport {

    /**
     * Every unprivileged container's root is the same host uid, and runC charges a session keyring
     * per container to it: with the kernel's defaults for a non-root user (200 keys) the 201st
     * create failed with "unable to create session key: disk quota exceeded".
     */
    @Test
    void theCellRaisedTheKernelsKeyQuotaBeyondItsMaxContainers() throws Exception {
        long maxKeys = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/keys/maxkeys")).get(0).strip());
        long maxBytes = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/keys/maxbytes")).get(0).strip());
        assertTrue(maxKeys >= 1_000_000, "maxkeys " + maxKeys);
        assertTrue(maxBytes >= 25_000_000, "maxbytes " + maxBytes);
        // the keyring of a container counts against that quota: one more create is one more key
        cell.client.create("keys-1");
        try {
            assertTrue(Files.readAllLines(Path.of("/proc/key-users")).stream()
                    .anyMatch(l -> l.strip().startsWith("4294967294:")), "no keys of the containers' root uid");
        } finally {
            cell.client.destroy("keys-1");
        }
    }
}
