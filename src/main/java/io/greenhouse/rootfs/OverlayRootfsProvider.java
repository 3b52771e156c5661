package io.greenhouse.rootfs;

import io.greenhouse.backend.ContainerGoneException;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.Syscalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Gives each container a copy-on-write root filesystem: the image directory is the read-only
 * lower layer of an overlay mount whose upper layer lives in the container's own directory.
 *
 * <pre>
 *   DIR/overlay/upper   container's writes
 *   DIR/overlay/work    overlayfs scratch
 *   DIR/rootfs          the merged mount runC uses as root
 * </pre>
 */
public final class OverlayRootfsProvider implements RootfsProvider {
    /** Where, inside a container's directory, its writes and its merged root filesystem live. */
    static final String UPPER = "overlay/upper";
    static final String MERGED = "rootfs";

    private final Path defaultRootfs;
    private final Syscalls syscalls;

    public OverlayRootfsProvider(Path defaultRootfs, Syscalls syscalls) {
        this.defaultRootfs = defaultRootfs;
        this.syscalls = syscalls;
    }

    @Override
    public Rootfs create(String handle, ImageRef image, Path containerDirectory) {
        Path lower = imageDirectory(image);
        Path upper = containerDirectory.resolve("overlay/upper");
        Path work = containerDirectory.resolve("overlay/work");
        Path merged = containerDirectory.resolve("rootfs");
        try {
            Files.createDirectories(upper);
            Files.createDirectories(work);
            Files.createDirectories(merged);
            // The container's "/" takes the upper directory's mode; Liberty's umask (027) would
            // make it 0750 and lock every non-root user of the container out of its own root.
            Files.setPosixFilePermissions(upper, Files.getPosixFilePermissions(lower));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing rootfs of " + handle, e);
        }
        syscalls.mount("overlay", merged.toString(), "overlay", 0,
                "lowerdir=" + escape(lower) + ",upperdir=" + escape(upper) + ",workdir=" + escape(work));
        return new Rootfs(merged, List.of());
    }

    /**
     * Resolves the image to a local directory: empty for the cell's default, a plain absolute path
     * or a raw:// URI naming a directory on this host.
     */
    Path imageDirectory(ImageRef image) {
        String uri = image.uri();
        Path dir;
        if (uri.isEmpty()) {
            dir = defaultRootfs;
        } else if (uri.startsWith("/")) {
            dir = Path.of(uri);
        } else if (uri.startsWith("raw://")) {
            dir = Path.of(URI.create(uri).getPath());
        } else if (uri.startsWith("docker://") || uri.startsWith("oci://")) {
            throw new GardenException("image " + uri + ": registry images are not supported by this cell yet");
        } else {
            throw new GardenException("image " + uri + ": not a path, raw:// or docker:// URI");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            throw new GardenException("rootfs " + dir + " is not a directory");
        }
        return dir.normalize();
    }

    /** Overlay options are comma separated and ':' separates lower layers. */
    private static String escape(Path p) {
        String s = p.toString();
        if (s.contains(",") || s.contains(":")) {
            throw new GardenException("rootfs path " + s + " may not contain ',' or ':'");
        }
        return s;
    }

    @Override
    public Path mountPoint(Path containerDirectory) {
        return containerDirectory.resolve("rootfs");
    }

    @Override
    public Rootfs restore(String handle, Path containerDirectory, List<String> imageEnv) {
        Path merged = mountPoint(containerDirectory);
        if (!MountTable.isMountPoint(merged)) {
            // the container's processes would see an empty directory as "/"
            throw new ContainerGoneException("the root filesystem of " + handle + " is not mounted at " + merged);
        }
        return new Rootfs(merged, imageEnv);
    }

    @Override
    public void destroy(String handle, Path containerDirectory) {
        Path merged = containerDirectory.resolve("rootfs");
        if (Files.exists(merged, LinkOption.NOFOLLOW_LINKS)) {
            syscalls.unmount(merged.toString());
        }
    }
}
