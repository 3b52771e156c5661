package io.greenhouse.checkpoint;

import io.greenhouse.backend.CheckpointManifest;
import io.greenhouse.backend.Checkpointer;
import io.greenhouse.backend.ContainerRecord;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.WritableLayerArchive;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one archive a checkpointed container moves between cells in (issue 16): an uncompressed tar
 * of, in this order,
 * <ul>
 * <li>{@code manifest.json}: the {@link CheckpointManifest} (format {@value CheckpointManifest#VERSION});</li>
 * <li>{@code layer.tar}: the writable layer as an OCI layer tar ({@link WritableLayerArchive});</li>
 * <li>{@code images/NAME}: criu's dump, one flat file each, as runC left it.</li>
 * </ul>
 * Read as hostile input: the manifest must come first and be small; nothing but those names, and
 * only regular files (no links, devices, sparse or absolute entries) is accepted; image names are
 * plain file names; at most {@code maxBytes} are read in all and {@link #MAX_IMAGES} images; the
 * layer is unpacked by a tar reader that never writes outside its directory.
 */
final class CheckpointArchive {
    static final String MANIFEST = "manifest.json";
    static final String LAYER = "layer.tar";
    static final String IMAGES = "images/";
    static final int MAX_MANIFEST = 1 << 20;
    static final int MAX_IMAGES = 10_000;
    private static final Pattern IMAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final WritableLayerArchive layers;
    private final long maxBytes;
    private final Jsonb jsonb = JsonbBuilder.create();

    CheckpointArchive(WritableLayerArchive layers, long maxBytes) {
        this.layers = layers;
        this.maxBytes = maxBytes;
    }

    /** Writes the archive of a checkpointed container: {@code layerScratch} holds the layer tar meanwhile. */
    void write(CheckpointManifest manifest, Path upper, Path images, Path layerScratch, OutputStream out) throws IOException {
        try {
            try (OutputStream layer = new BufferedOutputStream(Files.newOutputStream(layerScratch))) {
                layers.pack(upper, layer);
            }
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] json = jsonb.toJson(manifest).getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry m = new TarArchiveEntry(MANIFEST);
            m.setSize(json.length);
            tar.putArchiveEntry(m);
            tar.write(json);
            tar.closeArchiveEntry();
            file(tar, LAYER, layerScratch);
            List<Path> dump;
            try (Stream<Path> list = Files.list(images)) {
                dump = list.sorted().toList();
            }
            for (Path image : dump) {
                if (!Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS)) {
                    throw new GardenException("the dump holds " + image.getFileName() + ", which is no plain file");
                }
                file(tar, IMAGES + image.getFileName(), image);
            }
            tar.finish();
            tar.flush();
        } finally {
            Files.deleteIfExists(layerScratch);
        }
    }

    private static void file(TarArchiveOutputStream tar, String name, Path file) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(Files.size(file));
        e.setMode(0100600);
        tar.putArchiveEntry(e);
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    /** Reads the manifest, which must be the first entry; the returned reader unpacks the rest. */
    Checkpointer.Incoming read(InputStream archive, String imagesDirectory) {
        TarArchiveInputStream tar = new TarArchiveInputStream(new Bounded(archive, maxBytes), StandardCharsets.UTF_8.name());
        CheckpointManifest manifest;
        try {
            TarArchiveEntry first = tar.getNextEntry();
            if (first == null || !first.getName().equals(MANIFEST) || !plainFile(first)) {
                throw refused("its first entry must be " + MANIFEST + ", not " + (first == null ? "the end" : first.getName()));
            }
            if (first.getSize() > MAX_MANIFEST) {
                throw refused(MANIFEST + " is " + first.getSize() + " bytes, over " + MAX_MANIFEST);
            }
            manifest = jsonb.fromJson(new String(tar.readNBytes((int) first.getSize()), StandardCharsets.UTF_8),
                    CheckpointManifest.class);
        } catch (IOException e) {
            throw refused("unreadable (" + e.getMessage() + ")");
        } catch (JsonbException e) {
            throw refused(MANIFEST + " is no manifest (" + e.getMessage() + ")");
        }
        check(manifest);
        return new Incoming(manifest, tar, imagesDirectory);
    }

    private static void check(CheckpointManifest manifest) {
        if (manifest == null || manifest.version() != CheckpointManifest.VERSION) {
            throw refused("manifest version " + (manifest == null ? "none" : manifest.version()) + ", this cell reads "
                    + CheckpointManifest.VERSION);
        }
        ContainerRecord record = manifest.record();
        if (record == null || record.spec() == null || record.spec().image() == null) {
            throw refused("its manifest names no container or image");
        }
    }

    /** By its type flag: the tar library's isFile() is true of any entry that is no directory, devices included. */
    private static boolean plainFile(TarArchiveEntry e) {
        byte flag = e.getLinkFlag();
        return (flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM) && !e.isSparse()
                && !e.getName().endsWith("/") && e.getSize() >= 0;
    }

    static GardenException refused(String why) {
        return new GardenException("checkpoint archive refused: " + why);
    }

    private final class Incoming implements Checkpointer.Incoming {
        private final CheckpointManifest manifest;
        private final TarArchiveInputStream tar;
        private final String imagesDirectory;

        Incoming(CheckpointManifest manifest, TarArchiveInputStream tar, String imagesDirectory) {
            this.manifest = manifest;
            this.tar = tar;
            this.imagesDirectory = imagesDirectory;
        }

        @Override
        public CheckpointManifest manifest() {
            return manifest;
        }

        @Override
        public void unpack(Path containerDirectory, Path upper) {
            Path images = containerDirectory.resolve(imagesDirectory);
            try {
                Files.createDirectories(upper);
                Files.createDirectories(images);
                boolean layer = false;
                int count = 0;
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String name = e.getName();
                    if (name.equals(LAYER) && plainFile(e)) {
                        if (layer) {
                            throw refused("two " + LAYER);
                        }
                        layer = true;
                        layers.unpack(new Unclosable(tar), upper);
                    } else if (name.startsWith(IMAGES) && plainFile(e)
                            && IMAGE_NAME.matcher(name.substring(IMAGES.length())).matches()) {
                        if (++count > MAX_IMAGES) {
                            throw refused("more than " + MAX_IMAGES + " images");
                        }
                        try (OutputStream out = Files.newOutputStream(images.resolve(name.substring(IMAGES.length())),
                                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                            tar.transferTo(out);
                        }
                    } else if (!(name.equals(IMAGES) && e.isDirectory())) {
                        throw refused("an entry " + name + " (type '" + (char) e.getLinkFlag() + "') does not belong in it");
                    }
                }
                if (!layer || !Files.exists(images.resolve("inventory.img"))) {
                    throw refused("it lacks " + (layer ? "criu's inventory.img" : LAYER));
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw refused("an image twice (" + e.getFile() + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("unpacking a checkpoint archive", e);
            }
        }
    }

    /** The layer reader closes what it reads; the outer archive must stay open. */
    private static final class Unclosable extends FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }

    /** Refuses an archive past the cell's limit, whatever its entries say of their sizes. */
    static final class Bounded extends FilterInputStream {
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            if (s > 0) {
                count(s);
            }
            return s;
        }

        private void count(long n) {
            read += n;
            if (read > max) {
                throw refused("over " + max + " bytes (greenhouse.checkpoint.archive.max)");
            }
        }
    }
}
