package io.greenhouse;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

import java.net.URI;
import java.nio.file.Path;

/**
 * Only the server module's own main classes: the client ({@code io.greenhouse.client}) is a module
 * of its own on the test class path, as a directory or a jar, and is not part of the layering.
 */
final class ServerClassesOnly implements ImportOption {
    private final Path classes = Path.of(System.getProperty("basedir", "."), "target", "classes")
            .toAbsolutePath().normalize();

    @Override
    public boolean includes(Location location) {
        URI uri = location.asURI();
        return "file".equals(uri.getScheme()) && Path.of(uri).startsWith(classes);
    }
}
