package io.greenhouse.image;

import io.greenhouse.linux.IdmappedMounts;
import io.greenhouse.linux.Syscalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The container's "/" is the overlay's upper directory: in a user namespace it must belong to the
 * host ids the lower root's owner maps to (container root: 4294967294 by default), or container
 * root would not own its own root directory. Files the container writes get its host ids anyway.
 */
final class Ownership {
    private Ownership() {
    }

    /**
     * runC mounts the root filesystem (and the bind mounts from the container's directory) inside
     * the user namespace, as an unmapped "other" to the host's directories: every directory above
     * the container's must be searchable (o+x; not readable) by others. The server's umask (027)
     * makes the depot's 0750, so those lacking it get it.
     */
    static void searchable(Path dir) throws IOException {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.getPosixFilePermissions(d);
            if (!mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                mode.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(d, mode);
            }
        }
    }

    static void shiftRoot(Path upper, Path lower, IdmappedMounts shift, Syscalls syscalls) {
        if (shift == null) {
            return;
        }
        try {
            int uid = (Integer) Files.getAttribute(lower, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int gid = (Integer) Files.getAttribute(lower, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            long hostUid = shift.users().hostUid(Integer.toUnsignedLong(uid));
            long hostGid = shift.users().hostGid(Integer.toUnsignedLong(gid));
            if (hostUid < 0 || hostGid < 0) {
                throw new IllegalStateException("the owner " + uid + ":" + gid + " of " + lower
                        + " is not mapped into the containers' user namespace");
            }
            syscalls.lchown(upper.toString(), (int) hostUid, (int) hostGid);
            searchable(upper.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("owner of " + lower, e);
        }
    }
}
