package io.greenhouse.quota;

import io.greenhouse.backend.DiskQuota;
import io.greenhouse.backend.DiskUsage;
import io.greenhouse.linux.BtrfsQuotas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Writable layers on btrfs, for kernels without XFS project quotas: each container's layer is the
 * subvolume {@code STORE/HANDLE} (the overlay's upper and work directories live in it), held by a
 * qgroup limit on the bytes it references; the container directory's {@code overlay} links to it.
 *
 * <p>btrfs has no inode limit, so {@code inode_hard} is reported, not enforced, and inodes are not
 * counted (0). The kernel enforces the byte limit at once (writes reserve against it) but brings its
 * accounting up to date only at a transaction commit; usage therefore commits first, at most once per
 * {@link #COMMIT_INTERVAL}, so a number is never older than that plus the commit itself.
 */
public final class BtrfsQuotaStore implements DiskQuota {
    private static final Logger LOG = Logger.getLogger(BtrfsQuotaStore.class.getName());
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(500);
    private final Path root;
    private final BtrfsQuotas btrfs;
    private final String description;
    private final Path qgroups;
    private final LongSupplier nanoTime;
    /** Subvolume ids by handle, learned at place or on first use after a restart. */
    private final Map<String, Long> ids = new ConcurrentHashMap<>();
    private final Object commitLock = new Object();
    private long lastCommit;
    private boolean committed;

    public BtrfsQuotaStore(Path root, BtrfsQuotas btrfs, String description) {
        this(root, btrfs, description, System::nanoTime);
    }

    BtrfsQuotaStore(Path root, BtrfsQuotas btrfs, String description, LongSupplier nanoTime) {
        this.root = root;
        this.btrfs = btrfs;
        this.description = description;
        this.qgroups = btrfs.qgroupsDir(root);
        this.nanoTime = nanoTime;
    }

    @Override
    public Status status() {
        return new Status(true, "btrfs qgroups on " + description + " (bytes only: btrfs has no inode limit, so"
                + " inode_hard is reported, not enforced; usage as of a commit at most "
                + COMMIT_INTERVAL.toMillis() + " ms old)");
    }

    @Override
    public void place(String handle, Path layer) {
        try {
            btrfs.createSubvolume(root, handle);
            Path dir = root.resolve(handle);
            ids.put(handle, btrfs.subvolumeId(dir));
            Files.createDirectories(layer.getParent());
            Files.createSymbolicLink(layer, dir);
        } catch (IOException | RuntimeException e) {
            try {
                release(handle, layer);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("placing the writable layer of " + handle + " in " + root, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void limit(String handle, Path layer, long bytes, long inodes) {
        btrfs.limit(root.resolve(handle), bytes);
        if (inodes > 0) {
            LOG.warning(() -> "inode limit of " + handle + " (" + inodes + ") is reported, not enforced: btrfs has"
                    + " no inode limit");
        }
    }

    @Override
    public Optional<DiskUsage> usage(String handle, Path layer) {
        Path dir = root.resolve(handle);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(DiskUsage.NONE);
        }
        long id = ids.computeIfAbsent(handle, h -> btrfs.subvolumeId(dir));
        commitIfStale();
        long bytes = btrfs.referencedBytes(qgroups, id);
        return Optional.of(new DiskUsage(bytes, 0, bytes, 0));
    }

    /** One commit serves every reader within the interval (bulk metrics of many containers). */
    private void commitIfStale() {
        synchronized (commitLock) {
            long now = nanoTime.getAsLong();
            if (committed && now - lastCommit < COMMIT_INTERVAL.toNanos()) {
                return;
            }
            btrfs.commit(root);
            lastCommit = nanoTime.getAsLong();
            committed = true;
        }
    }

    @Override
    public void release(String handle, Path layer) {
        Path dir = root.resolve(handle);
        try {
            if (Files.isSymbolicLink(layer)) {
                Files.delete(layer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing the link to the writable layer of " + handle, e);
        }
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            // the qgroup goes with the subvolume once the cleaner has freed it; its id is never reused
            btrfs.deleteSubvolume(root, handle);
            LOG.fine(() -> "deleted subvolume " + dir);
        }
        ids.remove(handle);
    }

    @Override
    public long freeBytes() {
        try {
            return Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
