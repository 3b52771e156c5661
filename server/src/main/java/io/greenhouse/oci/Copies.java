package io.greenhouse.oci;

import java.util.List;
import java.util.Map;

/** Immutable copies that keep "absent" (null, left out of the JSON) apart from "empty". */
final class Copies {
    private Copies() {
    }

    static <T> List<T> list(List<T> values) {
        return values == null ? null : List.copyOf(values);
    }

    static <K, V> Map<K, V> map(Map<K, V> values) {
        return values == null ? null : Map.copyOf(values);
    }

    static <T> List<T> append(List<T> values, List<T> more) {
        List<T> all = new java.util.ArrayList<>(values == null ? List.of() : values);
        all.addAll(more);
        return List.copyOf(all);
    }
}
