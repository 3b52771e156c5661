package io.greenhouse.image;

import java.util.Map;

/** An OCI content descriptor: what a manifest or index says about one blob or manifest. */
record Descriptor(String mediaType, Digest digest, long size, Platform platform, Map<String, String> annotations) {
    Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** The platform an index entry is for; null fields when the index gives none. */
    record Platform(String os, String architecture, String variant) {
        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
        }
    }
}
