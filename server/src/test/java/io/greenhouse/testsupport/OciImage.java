package io.greenhouse.testsupport;

import io.airlift.compress.zstd.ZstdOutputStream;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * An image built in memory by a test: layers (tar, gzip or zstd), a config with Env, and the
 * manifest (OCI or Docker schema 2) that names them; pushed by {@link RegistryPush} or written as an
 * OCI layout. Layers come from a directory (the busybox rootfs) or from a {@link TarBuilder}.
 */
public final class OciImage {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    /** A blob and how manifests describe it. */
    public record Blob(String mediaType, byte[] data, String digest) {
        public static Blob of(String mediaType, byte[] data) {
            return new Blob(mediaType, data, sha256(data));
        }

        public JsonObject descriptor() {
            return Json.createObjectBuilder().add("mediaType", mediaType).add("digest", digest).add("size", data.length).build();
        }
    }

    public enum Compression { NONE, GZIP, ZSTD }

    private final List<Blob> layers = new ArrayList<>();
    private final List<String> diffIds = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private boolean docker;

    public OciImage layer(byte[] tar, Compression compression) {
        diffIds.add(sha256(tar));
        String prefix = docker ? "application/vnd.docker.image.rootfs.diff.tar" : "application/vnd.oci.image.layer.v1.tar";
        layers.add(switch (compression) {
            case NONE -> Blob.of(prefix, tar);
            case GZIP -> Blob.of(docker ? prefix + ".gzip" : prefix + "+gzip", gzip(tar));
            case ZSTD -> Blob.of(prefix + "+zstd", zstd(tar));
        });
        return this;
    }

    public OciImage env(String... values) {
        env.addAll(List.of(values));
        return this;
    }

    /** Docker schema 2 media types instead of OCI's. */
    public OciImage docker() {
        this.docker = true;
        return this;
    }

    public List<Blob> layers() {
        return List.copyOf(layers);
    }

    public Blob config() {
        JsonArrayBuilder envs = Json.createArrayBuilder();
        env.forEach(envs::add);
        JsonArrayBuilder ids = Json.createArrayBuilder();
        diffIds.forEach(ids::add);
        byte[] json = Json.createObjectBuilder().add("architecture", "amd64").add("os", "linux")
                .add("config", Json.createObjectBuilder().add("Env", envs))
                .add("rootfs", Json.createObjectBuilder().add("type", "layers").add("diff_ids", ids))
                .build().toString().getBytes(StandardCharsets.UTF_8);
        return Blob.of(docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json", json);
    }

    public Blob manifest() {
        JsonArrayBuilder ls = Json.createArrayBuilder();
        layers.forEach(l -> ls.add(l.descriptor()));
        String type = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
        byte[] json = Json.createObjectBuilder().add("schemaVersion", 2).add("mediaType", type)
                .add("config", config().descriptor()).add("layers", ls).build().toString().getBytes(StandardCharsets.UTF_8);
        return Blob.of(type, json);
    }

    /** Every blob the manifest needs: config and layers. */
    public List<Blob> blobs() {
        List<Blob> all = new ArrayList<>(layers);
        all.add(config());
        return all;
    }

    /** An index whose entries are these manifests for these "os/arch" platforms. */
    public static Blob index(Map<String, Blob> manifestsByPlatform) {
        JsonArrayBuilder ms = Json.createArrayBuilder();
        manifestsByPlatform.forEach((platform, m) -> {
            String[] p = platform.split("/");
            JsonObjectBuilder d = Json.createObjectBuilder(m.descriptor())
                    .add("platform", Json.createObjectBuilder().add("os", p[0]).add("architecture", p[1]));
            ms.add(d);
        });
        byte[] json = Json.createObjectBuilder().add("schemaVersion", 2).add("mediaType", OCI_INDEX)
                .add("manifests", ms).build().toString().getBytes(StandardCharsets.UTF_8);
        return Blob.of(OCI_INDEX, json);
    }

    /** Writes an OCI image layout with this image tagged {@code tag}. */
    public void writeLayout(Path dir, String tag) {
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            List<Blob> all = new ArrayList<>(blobs());
            all.add(manifest());
            for (Blob b : all) {
                Files.write(dir.resolve("blobs/sha256").resolve(b.digest().substring("sha256:".length())), b.data());
            }
            JsonObject entry = Json.createObjectBuilder(manifest().descriptor())
                    .add("annotations", Json.createObjectBuilder().add("org.opencontainers.image.ref.name", tag)).build();
            Files.writeString(dir.resolve("index.json"), Json.createObjectBuilder().add("schemaVersion", 2)
                    .add("mediaType", OCI_INDEX).add("manifests", Json.createArrayBuilder().add(entry)).build().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tar of a directory tree as it is: owners, modes, symlinks, hard links (names relative, "./" first). */
    public static byte[] tarOf(Path root) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);
             Stream<Path> walk = Files.walk(root)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            Map<Object, String> seen = new HashMap<>();
            for (Path p : walk.sorted().toList()) {
                String name = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int mode = (int) a.get("mode");
                TarArchiveEntry e;
                if (Files.isSymbolicLink(p)) {
                    e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    e = new TarArchiveEntry(name.isEmpty() ? "./" : name + "/", TarConstants.LF_DIR);
                } else if (seen.containsKey(a.get("ino"))) {
                    e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                    e.setLinkName(seen.get(a.get("ino")));
                } else {
                    e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                    e.setSize(Files.size(p));
                    if ((int) a.get("nlink") > 1) {
                        seen.put(a.get("ino"), name);
                    }
                }
                e.setMode(mode & 07777);
                e.setUserId((int) a.get("uid"));
                e.setGroupId((int) a.get("gid"));
                e.setModTime(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
                tar.putArchiveEntry(e);
                if (e.isFile() && !e.isLink()) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] gzip(byte[] data) {
        return compress(data, GZIPOutputStream::new);
    }

    public static byte[] zstd(byte[] data) {
        return compress(data, ZstdOutputStream::new);
    }

    private interface Wrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private static byte[] compress(byte[] data, Wrapper wrapper) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = wrapper.wrap(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
