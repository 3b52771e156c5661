package io.greenhouse.checkpoint;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalLong;

/**
 * Lets a user-namespaced container's root read its checkpoint images. criu restores such a
 * container's tasks in a new user namespace and they open some images themselves (the UTS and
 * time namespaces'), as the container's root, which the host sees as an unprivileged uid. The
 * images hold the processes' memory, so they are given to that user's group only: the images
 * directory and files become group-readable by it, and the checkpoint directory traversable.
 */
final class ImageAccess {
    private ImageAccess() {
    }

    /** The host gid of the container's gid 0, from the bundle's {@code linux.gidMappings}; empty without a user namespace. */
    static OptionalLong rootGid(Path configJson) {
        JsonObject config;
        try (Reader r = Files.newBufferedReader(configJson)) {
            config = Json.createReader(r).readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + configJson, e);
        }
        JsonObject linux = config.getJsonObject("linux");
        if (linux == null || !linux.containsKey("gidMappings") || linux.isNull("gidMappings")) {
            return OptionalLong.empty();
        }
        for (JsonValue v : linux.getJsonArray("gidMappings")) {
            JsonObject m = v.asJsonObject();
            long first = m.getJsonNumber("containerID").longValue();
            long size = m.getJsonNumber("size").longValue();
            if (first <= 0 && 0 < first + size) {
                return OptionalLong.of(m.getJsonNumber("hostID").longValue() - first);
            }
        }
        return OptionalLong.empty();
    }

    static void grant(Path checkpointDirectory, Path images, long gid) {
        try {
            Files.setPosixFilePermissions(checkpointDirectory, PosixFilePermissions.fromString("rwxr-x--x"));
            give(images, gid, "rwxr-x---");
            List<Path> files;
            try (var entries = Files.list(images)) {
                files = entries.filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                give(f, gid, "rw-r-----");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("letting the container read its checkpoint " + images, e);
        }
    }

    private static void give(Path p, long gid, String mode) throws IOException {
        Files.setAttribute(p, "unix:gid", (int) gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }
}
