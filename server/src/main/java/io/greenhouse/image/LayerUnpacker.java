package io.greenhouse.image;

import io.greenhouse.linux.Syscalls;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Unpacks one layer tar into an empty directory in the form overlayfs reads as a lower layer:
 * {@code .wh.NAME} becomes a 0:0 character device NAME, {@code .wh..wh..opq} the
 * {@code trusted.overlay.opaque=y} xattr on its directory. Owners, every mode bit, mtimes, hard
 * links, device nodes and {@code SCHILY.xattr.*} attributes are kept.
 *
 * <p>Nothing is ever written outside the directory: names with {@code ..} are refused, and so is any
 * entry (or hard link target) whose parent inside the layer is a symlink or not a directory, since
 * the JVM's file API would follow it. This holds because only this unpacker writes to the directory
 * while it runs. Overlay xattrs in the tar itself are dropped: only the whiteout translation may make them.
 */
final class LayerUnpacker {
    private static final Logger LOG = Logger.getLogger(LayerUnpacker.class.getName());
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    static final String OPAQUE_XATTR = "trusted.overlay.opaque";
    private static final String XATTR_PAX = "SCHILY.xattr.";
    private static final String XATTR_LIBARCHIVE = "LIBARCHIVE.xattr.";
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private final Syscalls syscalls;

    LayerUnpacker(Syscalls syscalls) {
        this.syscalls = syscalls;
    }

    /** What a layer holds once unpacked: entries written and bytes of file content. */
    record Unpacked(long entries, long bytes) { }

    Unpacked unpack(InputStream layerTar, Path root) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(layerTar, StandardCharsets.UTF_8.name());
        List<Dated> directories = new ArrayList<>();
        long entries = 0;
        long bytes = 0;
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            entries++;
            List<String> parts = components(entry.getName());
            if (parts.isEmpty()) {
                // "./": the layer's root directory itself
                if (entry.isDirectory()) {
                    metadata(root, entry);
                    directories.add(new Dated(root, entry));
                }
                continue;
            }
            Path parent = parents(root, parts, entry.getName());
            String base = parts.get(parts.size() - 1);
            if (base.equals(OPAQUE)) {
                syscalls.setXattr(parent.toString(), OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
                continue;
            }
            if (base.startsWith(WHITEOUT_PREFIX)) {
                String hidden = base.substring(WHITEOUT_PREFIX.length());
                if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.startsWith(WHITEOUT_PREFIX)) {
                    throw new HostileLayerException("layer entry " + entry.getName() + ": bad whiteout");
                }
                Path target = parent.resolve(hidden);
                clear(target, false);
                syscalls.makeNode(target.toString(), Syscalls.S_IFCHR, 0, 0);
                continue;
            }
            Path target = parent.resolve(base);
            if (entry.isDirectory()) {
                clear(target, true);
                if (!Files.isDirectory(target, NOFOLLOW)) {
                    Files.createDirectory(target);
                }
                metadata(target, entry);
                directories.add(new Dated(target, entry));
            } else if (entry.isSymbolicLink()) {
                clear(target, false);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                metadata(target, entry);
            } else if (entry.isLink()) {
                List<String> linkParts = components(entry.getLinkName());
                if (linkParts.isEmpty()) {
                    throw new HostileLayerException("layer entry " + entry.getName() + ": hard link to the layer root");
                }
                Path existing = parents(root, linkParts, entry.getLinkName()).resolve(linkParts.get(linkParts.size() - 1));
                if (!Files.exists(existing, NOFOLLOW) || Files.isDirectory(existing, NOFOLLOW)) {
                    throw new HostileLayerException("layer entry " + entry.getName() + ": hard link to "
                            + entry.getLinkName() + ", which is no earlier file of the layer");
                }
                clear(target, false);
                Files.createLink(target, existing);
            } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                clear(target, false);
                int type = entry.isCharacterDevice() ? Syscalls.S_IFCHR
                        : entry.isBlockDevice() ? Syscalls.S_IFBLK : Syscalls.S_IFIFO;
                syscalls.makeNode(target.toString(), type | (entry.getMode() & 07777),
                        entry.getDevMajor(), entry.getDevMinor());
                metadata(target, entry);
            } else if (entry.isFile() && !entry.isSparse()) {
                clear(target, false);
                bytes += Files.copy(tar, target);
                metadata(target, entry);
            } else {
                throw new HostileLayerException("layer entry " + entry.getName() + ": unsupported tar entry type '"
                        + (char) entry.getLinkFlag() + "'");
            }
        }
        // A directory's mtime changes as entries are made in it, so they are set last, deepest first.
        for (int i = directories.size() - 1; i >= 0; i--) {
            times(directories.get(i).path, directories.get(i).entry);
        }
        return new Unpacked(entries, bytes);
    }

    private record Dated(Path path, TarArchiveEntry entry) { }

    /** The name's components without {@code .} and empty ones; {@code ..} is refused. */
    static List<String> components(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new HostileLayerException("layer entry " + name + ": '..' in a layer path");
            }
            if (part.indexOf('\0') >= 0) {
                throw new HostileLayerException("layer entry " + name + ": NUL in a layer path");
            }
            parts.add(part);
        }
        return parts;
    }

    /**
     * The directory the last component goes in, making missing parents as 0755 directories (as
     * Docker does); a parent that is a symlink or a file is refused.
     */
    private static Path parents(Path root, List<String> parts, String name) throws IOException {
        Path dir = root;
        for (int i = 0; i < parts.size() - 1; i++) {
            dir = dir.resolve(parts.get(i));
            if (Files.isSymbolicLink(dir)) {
                throw new HostileLayerException("layer entry " + name + " goes through the symlink "
                        + String.join("/", parts.subList(0, i + 1)));
            }
            if (!Files.exists(dir, NOFOLLOW)) {
                Files.createDirectory(dir);
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } else if (!Files.isDirectory(dir, NOFOLLOW)) {
                throw new HostileLayerException("layer entry " + name + " goes through the non-directory "
                        + String.join("/", parts.subList(0, i + 1)));
            }
        }
        return dir;
    }

    /** A later entry replaces an earlier one, except that a directory stays a directory. */
    private static void clear(Path target, boolean keepDirectory) throws IOException {
        if (!Files.exists(target, NOFOLLOW)) {
            return;
        }
        if (Files.isDirectory(target, NOFOLLOW)) {
            if (keepDirectory) {
                return;
            }
            deleteTree(target);
        } else {
            Files.delete(target);
        }
    }

    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, NOFOLLOW)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void metadata(Path target, TarArchiveEntry entry) throws IOException {
        String path = target.toString();
        syscalls.lchown(path, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
        if (!entry.isSymbolicLink()) {
            // after chown, which clears setuid and setgid
            syscalls.chmod(path, entry.getMode() & 07777);
        }
        for (Map.Entry<String, String> pax : entry.getExtraPaxHeaders().entrySet()) {
            String name;
            byte[] value;
            if (pax.getKey().startsWith(XATTR_PAX)) {
                // Docker's and GNU tar's form. The tar library decodes PAX values as UTF-8, so a
                // binary value that is not valid UTF-8 (a file capability) does not survive it.
                name = pax.getKey().substring(XATTR_PAX.length());
                value = pax.getValue().getBytes(StandardCharsets.UTF_8);
            } else if (pax.getKey().startsWith(XATTR_LIBARCHIVE)) {
                // libarchive's form: the value base64 encoded, so binary values are exact
                name = java.net.URLDecoder.decode(pax.getKey().substring(XATTR_LIBARCHIVE.length()), StandardCharsets.UTF_8);
                value = java.util.Base64.getDecoder().decode(pax.getValue().strip());
            } else {
                continue;
            }
            if (name.startsWith("trusted.overlay.")) {
                LOG.warning(() -> "layer entry " + entry.getName() + ": dropped the overlay xattr " + name);
                continue;
            }
            syscalls.setXattr(path, name, value);
        }
        if (!entry.isDirectory()) {
            times(target, entry);
        }
    }

    private void times(Path target, TarArchiveEntry entry) {
        FileTime mtime = entry.getLastModifiedTime();
        if (mtime == null) {
            return;
        }
        java.time.Instant t = mtime.toInstant();
        syscalls.setTimes(target.toString(), t.getEpochSecond(), t.getNano());
    }
}
