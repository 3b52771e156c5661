package io.greenhouse.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A depot in memory: directories that exist and the records saved in them. Keeps ContainerStoreContract (InMemoryStoreTest). */
final class InMemoryStore implements ContainerStore {
    final Set<String> directories = new LinkedHashSet<>();
    final Map<String, ContainerRecord> records = new LinkedHashMap<>();

    @Override
    public Path create(String handle) {
        Path dir = directory(handle); // validates first: a refused handle leaves no directory
        if (!directories.add(handle)) {
            throw new GardenException("Handle '" + handle + "' already in use");
        }
        return dir;
    }

    @Override
    public Path directory(String handle) {
        return Path.of("/depot", Handles.validate(handle));
    }

    @Override
    public void save(ContainerRecord record) {
        // As on disk: the record goes into the container's directory, which must exist.
        if (!directories.contains(record.handle())) {
            throw new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException(
                    directory(record.handle()).toString()));
        }
        records.put(record.handle(), record);
    }

    @Override
    public List<ContainerRecord> loadAll() {
        return new ArrayList<>(records.values());
    }

    @Override
    public List<String> incomplete() {
        return directories.stream().filter(d -> !records.containsKey(d)).toList();
    }

    @Override
    public java.util.Map<String, String> unreadable() {
        // records in memory are always whole
        return java.util.Map.of();
    }

    @Override
    public void remove(String handle) {
        directories.remove(handle);
        records.remove(handle);
    }
}
