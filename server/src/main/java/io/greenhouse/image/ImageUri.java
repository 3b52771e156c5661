package io.greenhouse.image;

import io.greenhouse.backend.GardenException;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * An image reference as Garden clients give it in {@code image.uri} (or the older {@code rootfs}):
 *
 * <pre>
 *   /path/to/dir, raw:///path/to/dir      a local directory, used as it is
 *   /path/to/rootfs.tar[.gz]               a local rootfs tarball, unpacked once into the store
 *   docker:///repo/name#tag                Docker Hub (or its mirror); library/ for one-word names
 *   docker://host:port/repo/name#tag       any registry
 *   docker://host/repo@sha256:HEX          by digest (also #sha256:HEX)
 *   oci:///path/to/layout#tag              an OCI image layout on this host (tag or digest)
 * </pre>
 *
 * Everything is checked against the distribution reference grammar, so a repository name can never
 * carry {@code ..}, an empty component or characters that mean something in a path or URL.
 */
public sealed interface ImageUri {
    String DOCKER_HUB = "registry-1.docker.io";

    /** A directory on this host used as the lower layer directly. */
    record LocalDirectory(Path path) implements ImageUri { }

    /** A tarball on this host, unpacked into the store as one layer. */
    record LocalTarball(Path path) implements ImageUri { }

    /**
     * An image in a registry. {@code registry} is empty for Docker Hub, which the settings map to
     * the hub or its mirror; {@code reference} is a tag or, when {@code digest} is set, the digest.
     */
    record Registry(String registry, String repository, String tag, Digest digest) implements ImageUri {
        public boolean dockerHub() {
            return registry.isEmpty();
        }

        /** What the manifest endpoint takes: the digest when pinned, else the tag. */
        public String reference() {
            return digest != null ? digest.toString() : tag;
        }

        @Override
        public String toString() {
            return "docker://" + registry + "/" + repository + (digest != null ? "@" + digest : "#" + tag);
        }
    }

    /** An OCI image layout directory; {@code tag} empty when the URI names none. */
    record OciLayout(Path path, String tag, Digest digest) implements ImageUri { }

    Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
            + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

    /**
     * Parses a non-empty URI (the default rootfs is the caller's business).
     *
     * @throws GardenException saying what is wrong with it
     */
    static ImageUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new GardenException("empty image URI");
        }
        if (uri.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new GardenException("image URI may not contain control characters");
        }
        if (uri.startsWith("/")) {
            return local(uri, uri);
        }
        if (uri.startsWith("raw://")) {
            return new LocalDirectory(localPath(uri, uri.substring("raw://".length())));
        }
        if (uri.startsWith("docker://")) {
            return docker(uri, uri.substring("docker://".length()));
        }
        if (uri.startsWith("oci://")) {
            return oci(uri, uri.substring("oci://".length()));
        }
        throw new GardenException("image " + uri + ": expected a path, raw://, docker:// or oci:// URI");
    }

    private static ImageUri local(String uri, String path) {
        Path p = localPath(uri, path);
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            return new LocalTarball(p);
        }
        return new LocalDirectory(p);
    }

    private static Path localPath(String uri, String path) {
        if (!path.startsWith("/")) {
            throw new GardenException("image " + uri + ": the path must be absolute");
        }
        if (path.contains("#") || path.contains("?")) {
            throw new GardenException("image " + uri + ": a local path takes no tag or query");
        }
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw new GardenException("image " + uri + ": the path may not contain '..'");
            }
        }
        return Path.of(path).normalize();
    }

    private static Registry docker(String uri, String rest) {
        String fragment = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            fragment = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = digest(uri, rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new GardenException("image " + uri + ": expected docker:///repo or docker://host/repo");
        }
        String host = rest.substring(0, slash);
        String repository = rest.substring(slash + 1);
        if (!host.isEmpty() && !HOST.matcher(host).matches()) {
            throw new GardenException("image " + uri + ": bad registry host '" + host + "'");
        }
        if (!host.isEmpty() && host.contains(":")) {
            String port = host.substring(host.lastIndexOf(':') + 1);
            if (!host.endsWith("]") && (port.isEmpty() || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535)) {
                throw new GardenException("image " + uri + ": bad registry port '" + port + "'");
            }
        }
        if (host.equals("docker.io") || host.equals("index.docker.io") || host.equals(DOCKER_HUB)) {
            host = "";
        }
        repository(uri, repository);
        if (host.isEmpty() && !repository.contains("/")) {
            repository = "library/" + repository;
        }
        String tag = "latest";
        if (fragment != null) {
            if (fragment.contains(":")) {
                if (digest != null) {
                    throw new GardenException("image " + uri + ": two digests");
                }
                digest = digest(uri, fragment);
            } else if (TAG.matcher(fragment).matches()) {
                tag = fragment;
            } else {
                throw new GardenException("image " + uri + ": bad tag '" + fragment + "'");
            }
        }
        return new Registry(host, repository, tag, digest);
    }

    private static void repository(String uri, String repository) {
        if (repository.isEmpty() || repository.length() > 255) {
            throw new GardenException("image " + uri + ": the repository name must have 1 to 255 characters");
        }
        for (String part : repository.split("/", -1)) {
            if (!COMPONENT.matcher(part).matches()) {
                throw new GardenException("image " + uri + ": bad repository name component '" + part
                        + "' (lower-case letters, digits and single separators . _ __ - only)");
            }
        }
    }

    private static Digest digest(String uri, String text) {
        try {
            return Digest.parse(text);
        } catch (GardenException e) {
            throw new GardenException("image " + uri + ": " + e.getMessage());
        }
    }

    private static OciLayout oci(String uri, String rest) {
        String fragment = "";
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            fragment = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        Path path = localPath(uri, rest);
        if (fragment.contains(":")) {
            return new OciLayout(path, "", digest(uri, fragment));
        }
        if (!fragment.isEmpty() && !TAG.matcher(fragment).matches()) {
            throw new GardenException("image " + uri + ": bad tag '" + fragment + "'");
        }
        return new OciLayout(path, fragment, null);
    }
}
