package io.greenhouse.image;

import io.greenhouse.linux.FileTrees;
import io.greenhouse.backend.GardenException;
import io.greenhouse.linux.Syscalls;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Content-addressed layers shared by every container of the cell, each unpacked once:
 *
 * <pre>
 *   STORE/layers/ID/fs       a complete, unpacked layer (overlay lower directory)
 *   STORE/layers/ID/size     its bytes; the file's mtime is when a container last asked for it
 *   STORE/configs/HEX.json   image config blobs, by digest
 *   STORE/pins/KEY           the layers one container (or pea) uses: its directory, then layer ids
 *   STORE/tmp/               layers being unpacked, and layers being deleted
 * </pre>
 *
 * A layer is unpacked into {@code tmp/}, its blob digest and diff id verified, the file system
 * flushed, and only then renamed into {@code layers/}: a half-written or unverified layer is never
 * visible, and whatever {@code tmp/} holds after a crash is removed on start. Concurrent requests
 * for one layer wait for a single download.
 *
 * <p>Garbage collection and pinning hold one lock: a create pins its layers before it fetches
 * them, so a collection never removes a layer some container uses or is about to use; layers are
 * removed least recently used first until the store is under its threshold. A pin whose container
 * directory is gone (a crash between pinning and the depot's rollback) no longer counts.
 *
 * <p>User namespaces (later): a layer is owned as the image says. An id-shifted view per uid/gid
 * mapping would live beside it as {@code STORE/shifted/MAPPING/ID}, made from {@code layers/ID}
 * by a chown walk (or, without copying, as an idmapped bind mount of {@code layers/ID/fs} with
 * {@code mount_setattr(MOUNT_ATTR_IDMAP)}), pinned and collected with its layer; {@link #layerRoot}
 * is the one place that would choose the view.
 */
public final class LayerStore {
    private static final Logger LOG = Logger.getLogger(LayerStore.class.getName());

    private final Path root;
    private final Path layers;
    private final Path configs;
    private final Path pins;
    private final Path tmp;
    private final LayerUnpacker unpacker;
    private final Syscalls syscalls;
    private final ImageEvents events;
    private final Clock clock;
    private final int attempts;
    private final Duration backoff;
    private final Object lock = new Object();
    private final Map<String, CompletableFuture<Path>> inFlight = new ConcurrentHashMap<>();

    public LayerStore(Path root, Syscalls syscalls, ImageEvents events, Clock clock, int attempts, Duration backoff) {
        this.root = root.toAbsolutePath().normalize();
        this.layers = this.root.resolve("layers");
        this.configs = this.root.resolve("configs");
        this.pins = this.root.resolve("pins");
        this.tmp = this.root.resolve("tmp");
        this.syscalls = syscalls;
        this.unpacker = new LayerUnpacker(syscalls);
        this.events = events;
        this.clock = clock;
        this.attempts = Math.max(1, attempts);
        this.backoff = backoff;
        try {
            for (Path dir : List.of(layers, configs, pins, tmp)) {
                Files.createDirectories(dir);
            }
            // The store's directories are walked by nobody but the server; layer roots get the
            // image's own modes.
            for (Path leftover : children(tmp)) {
                FileTrees.delete(leftover);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the layer store " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The directory overlay mounts as this layer. */
    public Path layerRoot(String id) {
        return layers.resolve(id).resolve("fs");
    }

    boolean has(String id) {
        return Files.isDirectory(layers.resolve(id));
    }

    /** What {@link #ensure} did: {@code blobBytes} read from the source, 0 when the layer was there. */
    record Ensured(boolean fetched, long blobBytes) {
        static final Ensured CACHED = new Ensured(false, 0);
    }

    /**
     * Makes sure the layer is in the store, downloading and unpacking it once however many
     * callers ask at the same time.
     */
    Ensured ensure(Layer layer) {
        Path dir = layers.resolve(layer.id());
        if (Files.isDirectory(dir)) {
            touch(dir);
            events.layerCached();
            return Ensured.CACHED;
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = inFlight.putIfAbsent(layer.id(), mine);
        if (running != null) {
            try {
                running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            events.layerCached();
            return Ensured.CACHED;
        }
        try {
            if (Files.isDirectory(dir)) {
                touch(dir);
                events.layerCached();
                mine.complete(dir);
                return Ensured.CACHED;
            }
            long bytes = fetch(layer, dir);
            mine.complete(dir);
            return new Ensured(true, bytes);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(layer.id(), mine);
        }
    }

    /** Unpacks into tmp/, verifies, flushes and renames into place; tries again on I/O failures. */
    private long fetch(Layer layer, Path dir) {
        Duration wait = backoff;
        for (int attempt = 1; ; attempt++) {
            Path work = tmp.resolve(layer.id() + "-" + UUID.randomUUID());
            try {
                long[] blobBytes = new long[1];
                unpackInto(layer, work, blobBytes);
                syscalls.syncFileSystem(work.toString());
                try {
                    Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another server sharing the store got there first: its copy is as good
                    remove(work);
                }
                events.layerDownloaded(blobBytes[0]);
                return blobBytes[0];
            } catch (IOException e) {
                remove(work);
                if (attempt >= attempts) {
                    throw new GardenException("layer " + layer.id() + ": download failed after " + attempt
                            + " tries: " + RegistryClient.describe(e));
                }
                int a = attempt;
                LOG.info(() -> "layer " + layer.id() + ": " + RegistryClient.describe(e) + " on try " + a
                        + "; trying again");
                sleep(wait);
                wait = wait.multipliedBy(2);
            } catch (RuntimeException e) {
                remove(work);
                throw e;
            }
        }
    }

    /** Unpacks and verifies; {@code blobBytes[0]} is set to the bytes read from the source. */
    private void unpackInto(Layer layer, Path work, long[] blobBytes) throws IOException {
        Path fs = work.resolve("fs");
        Files.createDirectories(fs);
        Files.setPosixFilePermissions(fs, PosixFilePermissions.fromString("rwxr-xr-x"));
        MessageDigest blobHash = layer.blobDigest() == null ? Digest.newSha256() : layer.blobDigest().newMessageDigest();
        MessageDigest diffHash = layer.diffId() == null ? Digest.newSha256() : layer.diffId().newMessageDigest();
        LayerUnpacker.Unpacked unpacked;
        try (Counting counted = new Counting(layer.blob().open());
             InputStream blob = new DigestInputStream(new BufferedInputStream(counted, 1 << 16), blobHash)) {
            BufferedInputStream buffered = new BufferedInputStream(blob, 1 << 16);
            Compression compression = layer.compression() != null ? layer.compression() : Compression.sniff(buffered);
            try (InputStream tar = new DigestInputStream(new Unclosable(compression.decompress(buffered)), diffHash)) {
                unpacked = unpacker.unpack(tar, fs);
                // the tar's end blocks and any padding count towards the diff id
                tar.transferTo(OutputNull.INSTANCE);
            }
            buffered.transferTo(OutputNull.INSTANCE);
            blobBytes[0] = counted.count;
        }
        if (layer.blobDigest() != null && !layer.blobDigest().matches(blobHash.digest())) {
            throw new GardenException("layer " + layer.blobDigest() + ": digest mismatch: the blob downloaded "
                    + "hashes to another digest (corrupted in the registry or on the way)");
        }
        if (layer.diffId() != null && !layer.diffId().matches(diffHash.digest())) {
            throw new GardenException("layer " + layer.blobDigest() + ": its uncompressed content does not match "
                    + "the image config's diff id " + layer.diffId());
        }
        Files.writeString(work.resolve("size"), Long.toString(unpacked.bytes()), StandardCharsets.US_ASCII);
        // the use time comes from the store's clock, like touch(): the file system's own write
        // time can tie between layers fetched in the same tick and then the collection order is arbitrary
        Files.setLastModifiedTime(work.resolve("size"), FileTime.from(clock.instant()));
    }

    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** The decompressor must not close the blob stream before its digest has seen every byte. */
    private static final class Unclosable extends FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }

    private static final class OutputNull extends java.io.OutputStream {
        static final OutputNull INSTANCE = new OutputNull();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    /** Records that {@code owner} (a container's or pea's directory) uses these layers. */
    void pin(Path owner, List<String> layerIds) {
        StringBuilder text = new StringBuilder(owner.toAbsolutePath().normalize().toString()).append('\n');
        layerIds.forEach(id -> text.append(id).append('\n'));
        Path file = pinFile(owner);
        synchronized (lock) {
            try {
                Path part = tmp.resolve("pin-" + UUID.randomUUID());
                Files.writeString(part, text, StandardCharsets.UTF_8);
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("pinning layers of " + owner, e);
            }
        }
    }

    void unpin(Path owner) {
        synchronized (lock) {
            try {
                Files.deleteIfExists(pinFile(owner));
            } catch (IOException e) {
                throw new UncheckedIOException("unpinning layers of " + owner, e);
            }
        }
    }

    boolean pinned(Path owner) {
        return Files.exists(pinFile(owner));
    }

    private Path pinFile(Path owner) {
        String key = HexFormat.of().formatHex(Digest.newSha256().digest(
                owner.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8)), 0, 16);
        return pins.resolve(key);
    }

    /** Bytes of every complete layer. */
    public long size() {
        long total = 0;
        for (Path dir : children(layers)) {
            total += sizeOf(dir);
        }
        return total;
    }

    /**
     * Removes layers no container uses, least recently used first, until the store holds at most
     * {@code threshold} bytes. Returns the bytes freed.
     */
    public long collect(long threshold) {
        List<Path> doomed = new ArrayList<>();
        long freed = 0;
        synchronized (lock) {
            List<Path> all = children(layers);
            long total = 0;
            for (Path dir : all) {
                total += sizeOf(dir);
            }
            if (total <= threshold) {
                return 0;
            }
            Set<String> used = usedLayers();
            List<Path> unused = new ArrayList<>(all.stream()
                    .filter(d -> !used.contains(d.getFileName().toString()))
                    .filter(d -> !inFlight.containsKey(d.getFileName().toString())).toList());
            unused.sort(Comparator.comparing(LayerStore::lastUsed));
            for (Path dir : unused) {
                if (total <= threshold) {
                    break;
                }
                long size = sizeOf(dir);
                Path away = tmp.resolve("gc-" + dir.getFileName() + "-" + UUID.randomUUID());
                try {
                    Files.move(dir, away, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    LOG.warning(() -> "layer store: cannot remove " + dir + ": " + e);
                    continue;
                }
                doomed.add(away);
                total -= size;
                freed += size;
            }
        }
        // the layers are out of layers/ already; deleting their files needs no lock
        for (Path dir : doomed) {
            remove(dir);
        }
        if (!doomed.isEmpty()) {
            int n = doomed.size();
            long f = freed;
            LOG.info(() -> "layer store: collected " + n + " unused layers, " + f + " bytes, threshold " + threshold);
            events.collected(n, freed);
        }
        return freed;
    }

    /** Layers named by live pins; pins whose owner directory is gone are removed. Holds the lock. */
    private Set<String> usedLayers() {
        Set<String> used = new HashSet<>();
        for (Path pin : children(pins)) {
            try {
                List<String> lines = Files.readAllLines(pin, StandardCharsets.UTF_8);
                if (lines.isEmpty() || !Files.isDirectory(Path.of(lines.get(0)))) {
                    Files.deleteIfExists(pin);
                    continue;
                }
                used.addAll(lines.subList(1, lines.size()));
            } catch (IOException e) {
                throw new UncheckedIOException("reading pin " + pin, e);
            }
        }
        return used;
    }

    Path configFile(Digest digest) {
        return configs.resolve(digest.fileName() + ".json");
    }

    /** Keeps a (verified) config blob; written whole or not at all. */
    void saveConfig(Digest digest, byte[] body) {
        Path part = tmp.resolve("config-" + UUID.randomUUID());
        try {
            Files.write(part, body);
            Files.move(part, configFile(digest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("saving config " + digest, e);
        }
    }

    private void touch(Path dir) {
        try {
            Files.setLastModifiedTime(dir.resolve("size"), FileTime.from(clock.instant()));
        } catch (IOException e) {
            // only the collection order depends on it
        }
    }

    private static FileTime lastUsed(Path dir) {
        try {
            return Files.getLastModifiedTime(dir.resolve("size"));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static long sizeOf(Path dir) {
        try {
            return Long.parseLong(Files.readString(dir.resolve("size"), StandardCharsets.US_ASCII).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void remove(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.warning(() -> "layer store: cannot delete " + dir + " (removed on next start): " + e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GardenException("interrupted while fetching a layer");
        }
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
    }
}
