package io.greenhouse.image;

import io.greenhouse.backend.GardenException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Resolves {@code docker://} images through the registry client; config blobs are cached in the store. */
final class RegistryImages {
    private final RegistryClient client;
    private final LayerStore store;
    private final String architecture;

    RegistryImages(RegistryClient client, LayerStore store, String architecture) {
        this.client = client;
        this.store = store;
        this.architecture = architecture;
    }

    ResolvedImage resolve(ImageUri.Registry image, RegistryClient.Credentials credentials) {
        String name = image.toString();
        RegistryClient.Fetched fetched = client.manifest(image, image.reference(), credentials);
        String type = Manifests.mediaType(fetched.body(), fetched.contentType());
        if (Manifests.isIndex(type)) {
            Descriptor chosen = Manifests.choose(Manifests.index(fetched.body(), name), architecture, name);
            fetched = client.manifest(image, chosen.digest().toString(), credentials);
            type = Manifests.mediaType(fetched.body(), fetched.contentType());
        }
        Manifests.Manifest manifest = Manifests.manifest(fetched.body(), type, name);
        Manifests.Config config = Manifests.config(config(image, manifest.config().digest(), credentials), name);
        List<Layer> layers = new ArrayList<>();
        boolean diffIds = config.diffIds().size() == manifest.layers().size();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor d = manifest.layers().get(i);
            Compression compression = Manifests.compression(d.mediaType(), name);
            layers.add(new Layer(d.digest().fileName(), d.digest(), compression,
                    diffIds ? config.diffIds().get(i) : null, () -> client.blob(image, d.digest(), credentials)));
        }
        return new ResolvedImage(name, layers, config.env());
    }

    private byte[] config(ImageUri.Registry image, Digest digest, RegistryClient.Credentials credentials) {
        Path cached = store.configFile(digest);
        try {
            if (Files.isRegularFile(cached)) {
                return Files.readAllBytes(cached);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = client.smallBlob(image, digest, credentials);
        store.saveConfig(digest, body);
        return body;
    }

    static String hostArchitecture() {
        String arch = System.getProperty("os.arch", "amd64");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "ppc64le", "s390x", "riscv64", "arm" -> arch;
            default -> throw new GardenException("unknown host architecture " + arch);
        };
    }
}
