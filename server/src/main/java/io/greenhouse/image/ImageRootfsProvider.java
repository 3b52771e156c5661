package io.greenhouse.image;

import io.greenhouse.backend.ContainerGoneException;
import io.greenhouse.backend.DiskUsage;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.RootfsProvider;
import io.greenhouse.linux.MountTable;
import io.greenhouse.linux.Syscalls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Gives each container a copy-on-write root filesystem: an overlay whose lower layers are the
 * image (a local directory as it is, or the image's layers from the shared {@link LayerStore})
 * and whose upper layer lives in the container's own directory.
 *
 * <pre>
 *   DIR/overlay/upper   container's writes
 *   DIR/overlay/work    overlayfs scratch
 *   DIR/overlay/layers  the store layers it mounts (images from the store only)
 *   DIR/rootfs          the merged mount runC uses as root
 * </pre>
 *
 * Registry, OCI layout and tarball images are pinned in the store for the container's lifetime.
 * Credentials are used for the pull only: they are handed to the registry client and dropped.
 */
public final class ImageRootfsProvider implements RootfsProvider {
    private static final Logger LOG = Logger.getLogger(ImageRootfsProvider.class.getName());
    /** Where, inside a container's directory, its writes and its merged root filesystem live. */
    static final String UPPER = RootfsProvider.WRITABLE_LAYER + "/upper";
    static final String MERGED = "rootfs";
    /** The store layers the container's overlay mounts, one id a line. */
    static final String LAYERS = "overlay/layers";

    private final Path defaultRootfs;
    private final Syscalls syscalls;
    private final LayerStore store;
    private final RegistryImages registry;
    private final OciLayoutImages layouts;
    private final OverlayMount overlay;
    private final ImageEvents events;
    private final long gcThreshold;
    /** Sizes of immutable store layers (and local image directories), measured once each. */
    private final Map<Path, DiskUsage> imageSizes = new ConcurrentHashMap<>();

    public ImageRootfsProvider(Path defaultRootfs, Syscalls syscalls, LayerStore store, RegistryClient client,
                               ImageEvents events, long gcThreshold) {
        this.defaultRootfs = defaultRootfs;
        this.syscalls = syscalls;
        this.store = store;
        String arch = RegistryImages.hostArchitecture();
        this.registry = new RegistryImages(client, store, arch);
        this.layouts = new OciLayoutImages(arch);
        this.overlay = new OverlayMount(syscalls);
        this.events = events;
        this.gcThreshold = gcThreshold;
    }

    @Override
    public Rootfs create(String handle, ImageRef image, Path containerDirectory) {
        ImageUri uri = image.isDefault() ? new ImageUri.LocalDirectory(defaultRootfs) : ImageUri.parse(image.uri());
        Path upper = containerDirectory.resolve(UPPER);
        Path work = containerDirectory.resolve("overlay/work");
        Path merged = containerDirectory.resolve(MERGED);
        if (uri instanceof ImageUri.LocalDirectory local) {
            Path lower = directory(local.path());
            prepare(handle, List.of(lower), upper, work, merged);
            overlay.mount(List.of(lower), upper, work, merged);
            return new Rootfs(merged, List.of());
        }
        // Guardian collects at create time, before the new image adds to the store
        store.collect(gcThreshold);
        long started = System.nanoTime();
        try {
            ResolvedImage resolved = resolve(uri, image);
            List<String> ids = resolved.layers().stream().map(Layer::id).toList();
            store.pin(containerDirectory, ids);
            // a copy beside the container, so that reload can pin them again if the pin is lost
            writeLayers(containerDirectory, ids);
            try {
                int downloaded = 0;
                long bytes = 0;
                for (int i = 0; i < resolved.layers().size(); i++) {
                    Layer layer = resolved.layers().get(i);
                    long layerStarted = System.nanoTime();
                    LayerStore.Ensured done = store.ensure(layer);
                    if (done.fetched()) {
                        downloaded++;
                        bytes += done.blobBytes();
                        int n = i + 1;
                        LOG.info(() -> "image " + resolved.name() + ": layer " + n + "/" + resolved.layers().size()
                                + " " + layer.id() + ": " + done.blobBytes() + " bytes fetched and unpacked in "
                                + millis(layerStarted) + " ms");
                    }
                }
                List<Path> lowers = new ArrayList<>();
                for (int i = ids.size() - 1; i >= 0; i--) {
                    lowers.add(store.layerRoot(ids.get(i)));
                }
                if (lowers.isEmpty()) {
                    throw new GardenException("image " + resolved.name() + ": has no layers");
                }
                prepare(handle, lowers, upper, work, merged);
                overlay.mount(lowers, upper, work, merged);
                int d = downloaded;
                long b = bytes;
                LOG.info(() -> "image " + resolved.name() + " for " + handle + ": " + ids.size() + " layers, " + d
                        + " downloaded (" + b + " bytes), ready in " + millis(started) + " ms");
                events.pulled(resolved.name(), ids.size(), downloaded, bytes, Duration.ofNanos(System.nanoTime() - started));
                return new Rootfs(merged, resolved.env());
            } catch (RuntimeException e) {
                store.unpin(containerDirectory);
                throw e;
            }
        } catch (RuntimeException e) {
            events.pullFailed(uri.toString());
            LOG.warning(() -> "image for " + handle + " failed after " + millis(started) + " ms: " + e.getMessage());
            throw e instanceof GardenException ? e : new GardenException("image for " + handle + ": " + e.getMessage());
        }
    }

    private ResolvedImage resolve(ImageUri uri, ImageRef image) {
        if (uri instanceof ImageUri.Registry r) {
            return registry.resolve(r, new RegistryClient.Credentials(image.username(), image.password()));
        }
        if (uri instanceof ImageUri.OciLayout layout) {
            return layouts.resolve(layout);
        }
        if (uri instanceof ImageUri.LocalTarball tarball) {
            return tarball(tarball.path());
        }
        throw new GardenException("image " + image.uri() + ": unsupported");
    }

    /** A local tarball is one layer, keyed by the file's identity and mtime, so a changed file is unpacked anew. */
    private static ResolvedImage tarball(Path file) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new GardenException("rootfs tarball " + file + " cannot be read: " + e.getMessage());
        }
        if (!attrs.isRegularFile()) {
            throw new GardenException("rootfs tarball " + file + " is not a file");
        }
        String identity = file + "\0" + attrs.size() + "\0" + attrs.lastModifiedTime().toMillis() + "\0" + attrs.fileKey();
        String id = "tar-" + HexFormat.of().formatHex(Digest.newSha256().digest(identity.getBytes(StandardCharsets.UTF_8)), 0, 20);
        return new ResolvedImage(file.toString(), List.of(new Layer(id, null, null, null, () -> Files.newInputStream(file))),
                List.of());
    }

    private static void prepare(String handle, List<Path> lowers, Path upper, Path work, Path merged) {
        try {
            Files.createDirectories(upper);
            Files.createDirectories(work);
            Files.createDirectories(merged);
            // The container's "/" takes the upper directory's mode; Liberty's umask (027) would
            // make it 0750 and lock every non-root user of the container out of its own root.
            Files.setPosixFilePermissions(upper, Files.getPosixFilePermissions(lowers.get(0)));
        } catch (IOException e) {
            throw new UncheckedIOException("preparing rootfs of " + handle, e);
        }
    }

    private static Path directory(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            throw new GardenException("rootfs " + dir + " is not a directory");
        }
        return dir.normalize();
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    @Override
    public DiskUsage imageSize(ImageRef image, Path containerDirectory) {
        List<Path> lowers = new ArrayList<>();
        Path layers = containerDirectory.resolve(LAYERS);
        try {
            if (Files.isRegularFile(layers)) {
                for (String id : Files.readAllLines(layers, StandardCharsets.UTF_8)) {
                    lowers.add(store.layerRoot(id));
                }
            } else if (image.isDefault()) {
                lowers.add(defaultRootfs);
            } else if (ImageUri.parse(image.uri()) instanceof ImageUri.LocalDirectory local) {
                lowers.add(local.path().normalize());
            }
        } catch (IOException | RuntimeException e) {
            return DiskUsage.NONE;
        }
        long bytes = 0;
        long inodes = 0;
        for (Path lower : lowers) {
            DiskUsage size = imageSizes.computeIfAbsent(lower, dir -> {
                OverlayDiskMeter.Tally t = OverlayDiskMeter.tally(dir);
                return new DiskUsage(t.bytes, t.inodes, 0, 0);
            });
            bytes += size.totalBytes();
            inodes += size.totalInodes();
        }
        return new DiskUsage(bytes, inodes, 0, 0);
    }

    @Override
    public Path mountPoint(Path containerDirectory) {
        return containerDirectory.resolve(MERGED);
    }

    @Override
    public Rootfs restore(String handle, Path containerDirectory, List<String> imageEnv) {
        Path merged = mountPoint(containerDirectory);
        if (!MountTable.isMountPoint(merged)) {
            // the container's processes would see an empty directory as "/"
            throw new ContainerGoneException("the root filesystem of " + handle + " is not mounted at " + merged);
        }
        Path layers = containerDirectory.resolve(LAYERS);
        if (Files.isRegularFile(layers) && !store.pinned(containerDirectory)) {
            // a mounted container's layers must never be collected
            try {
                store.pin(containerDirectory, Files.readAllLines(layers, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("re-pinning the layers of " + handle, e);
            }
        }
        return new Rootfs(merged, imageEnv);
    }

    private static void writeLayers(Path containerDirectory, List<String> ids) {
        try {
            Files.createDirectories(containerDirectory.resolve(LAYERS).getParent());
            Files.write(containerDirectory.resolve(LAYERS), ids, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("recording the layers of " + containerDirectory, e);
        }
    }

    @Override
    public void destroy(String handle, Path containerDirectory) {
        Path merged = containerDirectory.resolve(MERGED);
        if (Files.exists(merged, LinkOption.NOFOLLOW_LINKS)) {
            syscalls.unmount(merged.toString());
        }
        // only once nothing mounts its layers may the store collect them
        store.unpin(containerDirectory);
    }
}
