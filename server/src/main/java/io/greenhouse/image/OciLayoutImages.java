package io.greenhouse.image;

import io.greenhouse.backend.GardenException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Resolves {@code oci://} images from an OCI image layout on this host: {@code index.json}, the
 * tag in the {@code org.opencontainers.image.ref.name} annotation (or the only manifest when the URI
 * names none), blobs under {@code blobs/ALG/HEX}, every digest verified.
 */
final class OciLayoutImages {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private final String architecture;

    OciLayoutImages(String architecture) {
        this.architecture = architecture;
    }

    ResolvedImage resolve(ImageUri.OciLayout layout) {
        String name = "oci://" + layout.path() + (layout.digest() != null ? "#" + layout.digest()
                : layout.tag().isEmpty() ? "" : "#" + layout.tag());
        Path dir = layout.path();
        if (!Files.isRegularFile(dir.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS)) {
            throw new GardenException("image " + name + ": " + dir + " is not an OCI image layout (no oci-layout file)");
        }
        List<Descriptor> entries = Manifests.index(read(dir.resolve("index.json"), name), name);
        Descriptor chosen = pick(entries, layout, name);
        byte[] body = blob(dir, chosen.digest(), name);
        String type = Manifests.mediaType(body, chosen.mediaType());
        if (Manifests.isIndex(type)) {
            chosen = Manifests.choose(Manifests.index(body, name), architecture, name);
            body = blob(dir, chosen.digest(), name);
            type = Manifests.mediaType(body, chosen.mediaType());
        }
        Manifests.Manifest manifest = Manifests.manifest(body, type, name);
        Manifests.Config config = Manifests.config(blob(dir, manifest.config().digest(), name), name);
        boolean diffIds = config.diffIds().size() == manifest.layers().size();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor d = manifest.layers().get(i);
            Path file = blobPath(dir, d.digest());
            layers.add(new Layer(d.digest().fileName(), d.digest(), Manifests.compression(d.mediaType(), name),
                    diffIds ? config.diffIds().get(i) : null, () -> open(file)));
        }
        return new ResolvedImage(name, layers, config.env());
    }

    private static Descriptor pick(List<Descriptor> entries, ImageUri.OciLayout layout, String name) {
        if (layout.digest() != null) {
            return entries.stream().filter(d -> d.digest().equals(layout.digest())).findFirst()
                    .orElseThrow(() -> new GardenException("image " + name + ": no manifest " + layout.digest() + " in the layout"));
        }
        if (layout.tag().isEmpty() && entries.size() == 1) {
            return entries.get(0);
        }
        String tag = layout.tag().isEmpty() ? "latest" : layout.tag();
        return entries.stream().filter(d -> tag.equals(d.annotations().get(REF_NAME))).findFirst()
                .orElseThrow(() -> new GardenException("image " + name + ": not found: no tag '" + tag
                        + "' in the layout (tags: " + entries.stream().map(d -> d.annotations().getOrDefault(REF_NAME, "-"))
                        .collect(Collectors.joining(", ")) + ")"));
    }

    private static Path blobPath(Path dir, Digest digest) {
        return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    private static byte[] blob(Path dir, Digest digest, String name) {
        byte[] body = read(blobPath(dir, digest), name);
        if (!digest.matches(digest.newMessageDigest().digest(body))) {
            throw new GardenException("image " + name + ": digest mismatch for blob " + digest);
        }
        return body;
    }

    private static InputStream open(Path file) throws IOException {
        return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    }

    private static byte[] read(Path file, String name) {
        try {
            if (Files.size(file) > (16 << 20)) {
                throw new GardenException("image " + name + ": " + file + " is larger than 16 MiB");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new GardenException("image " + name + ": not found: " + file + " is missing");
        } catch (IOException e) {
            throw new GardenException("image " + name + ": cannot read " + file + ": " + e.getMessage());
        }
    }
}
