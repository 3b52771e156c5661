package io.greenhouse.oci;

public record Root(String path, boolean readonly) {
}
