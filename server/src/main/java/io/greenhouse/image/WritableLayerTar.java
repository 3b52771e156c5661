package io.greenhouse.image;

import io.greenhouse.backend.WritableLayerArchive;
import io.greenhouse.linux.Syscalls;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A writable layer (overlayfs upper directory) as an OCI layer tar and back: a 0:0 character device
 * is written as the whiteout {@code .wh.NAME}, a directory with {@code trusted.overlay.opaque=y} gets a
 * {@code .wh..wh..opq} entry, hard links are links to the first name of their inode; unpacking is
 * {@link LayerUnpacker}'s (which turns those back, and refuses names that would leave the directory).
 * Extended attributes other than the opaque mark are not carried, nor sockets (a socket file is
 * recreated by whoever binds it).
 */
public final class WritableLayerTar implements WritableLayerArchive {
    private static final Logger LOG = Logger.getLogger(WritableLayerTar.class.getName());
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private final Syscalls syscalls;

    public WritableLayerTar(Syscalls syscalls) {
        this.syscalls = syscalls;
    }

    @Override
    public void pack(Path upper, OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        Map<String, String> firstNames = new HashMap<>();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(upper)) {
            paths = walk.sorted().toList();
        }
        for (Path p : paths) {
            if (p.equals(upper)) {
                continue;
            }
            String name = upper.relativize(p).toString();
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,rdev,ino,dev,nlink,size,lastModifiedTime", NOFOLLOW);
            int mode = (Integer) a.get("mode");
            int type = mode & S_IFMT;
            long rdev = (Long) a.get("rdev");
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            TarArchiveEntry e;
            if (type == S_IFCHR && rdev == 0) {
                Path parent = Path.of(name).getParent();
                String whiteout = LayerUnpacker.WHITEOUT_PREFIX + p.getFileName();
                e = new TarArchiveEntry(parent == null ? whiteout : parent + "/" + whiteout);
                e.setSize(0);
                e.setModTime(mtime);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
                continue;
            }
            switch (type) {
                case S_IFDIR -> e = new TarArchiveEntry(name + "/");
                case S_IFLNK -> {
                    e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                }
                case S_IFREG -> {
                    String key = a.get("dev") + ":" + a.get("ino");
                    String first = (Integer) a.get("nlink") > 1 ? firstNames.putIfAbsent(key, name) : null;
                    if (first != null) {
                        e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                        e.setLinkName(first);
                    } else {
                        e = new TarArchiveEntry(name);
                        e.setSize((Long) a.get("size"));
                    }
                }
                case S_IFCHR, S_IFBLK, S_IFIFO -> {
                    e = new TarArchiveEntry(name, type == S_IFCHR ? TarConstants.LF_CHR
                            : type == S_IFBLK ? TarConstants.LF_BLK : TarConstants.LF_FIFO);
                    e.setDevMajor((int) ((rdev >>> 8) & 0xfff | (rdev >>> 32) & ~0xfff));
                    e.setDevMinor((int) (rdev & 0xff | (rdev >>> 12) & ~0xff));
                }
                case S_IFSOCK -> {
                    LOG.fine(() -> "writable layer: socket " + name + " not carried");
                    continue;
                }
                default -> throw new IOException("writable layer: " + name + " has an unknown file type " + Integer.toOctalString(type));
            }
            e.setMode((type == S_IFLNK ? S_IFLNK : type == S_IFDIR ? S_IFDIR : type == S_IFREG ? S_IFREG : type) | (mode & 07777));
            e.setUserId(((Number) a.get("uid")).longValue());
            e.setGroupId(((Number) a.get("gid")).longValue());
            e.setModTime(mtime);
            tar.putArchiveEntry(e);
            if (type == S_IFREG && !e.isLink()) {
                try (InputStream in = Files.newInputStream(p, NOFOLLOW)) {
                    long n = in.transferTo(tar);
                    if (n != e.getSize()) {
                        throw new IOException("writable layer: " + name + " changed while it was read");
                    }
                }
            }
            tar.closeArchiveEntry();
            if (type == S_IFDIR && syscalls.getXattr(p.toString(), LayerUnpacker.OPAQUE_XATTR)
                    .map(v -> new String(v, StandardCharsets.US_ASCII).equals("y")).orElse(false)) {
                TarArchiveEntry opaque = new TarArchiveEntry(name + "/" + LayerUnpacker.OPAQUE);
                opaque.setSize(0);
                tar.putArchiveEntry(opaque);
                tar.closeArchiveEntry();
            }
        }
        tar.finish();
    }

    @Override
    public long unpack(InputStream tar, Path upper) throws IOException {
        return new LayerUnpacker(syscalls).unpack(tar, upper).bytes();
    }
}
