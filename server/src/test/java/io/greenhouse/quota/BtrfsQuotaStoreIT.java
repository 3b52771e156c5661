package io.greenhouse.quota;

import io.greenhouse.linux.HostCommand;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The btrfs store (subvolume per layer, qgroup byte limits) against the quota contract. */
class BtrfsQuotaStoreIT extends DiskQuotaContract {

    @Override
    protected String filesystem() {
        return "btrfs";
    }

    @Override
    protected long size() {
        return 256L << 20;
    }

    @Test
    void theStoreSaysInodeLimitsAreNotEnforced() {
        assertTrue(quota.status().detail().startsWith("btrfs qgroups on btrfs " + image), quota.status().detail());
        assertTrue(quota.status().detail().contains("inode_hard is reported, not enforced"), quota.status().detail());
    }

    @Test
    void eachLayerIsASubvolumeWithAQgroup() throws IOException {
        quota.place("c1", work.resolve("depot/c1/overlay"));
        HostCommand.Result show = HostCommand.run(List.of("btrfs", "subvolume", "show", mountPoint.resolve("c1")
                .toString()), Duration.ofSeconds(30));
        assertTrue(show.ok(), show.message());
        quota.limit("c1", work.resolve("depot/c1/overlay"), 8L << 20, 100);
        HostCommand.Result qgroups = HostCommand.run(List.of("btrfs", "qgroup", "show", "--raw", "-r",
                mountPoint.toString()), Duration.ofSeconds(30));
        assertTrue(qgroups.stdout().contains(Long.toString(8L << 20)), qgroups.stdout());
        quota.release("c1", work.resolve("depot/c1/overlay"));
        try (var left = Files.list(mountPoint)) {
            assertEquals(List.of(), left.toList());
        }
    }
}
