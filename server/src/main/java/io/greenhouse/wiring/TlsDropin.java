package io.greenhouse.wiring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The configuration dropin that puts the Garden endpoint on mutual TLS
 * ({@code SERVER/configDropins/overrides/garden-tls.xml}, from the resource {@code garden-tls.xml}
 * beside this class): present exactly while greenhouse.tls.enabled is true.
 */
final class TlsDropin {
    static final String DROPIN = "configDropins/overrides/garden-tls.xml";

    private final Path file;
    private final byte[] content;

    TlsDropin(Path serverConfigDir) {
        this.file = serverConfigDir.resolve(DROPIN);
        try (InputStream in = TlsDropin.class.getResourceAsStream("garden-tls.xml")) {
            if (in == null) {
                throw new IllegalStateException("garden-tls.xml is missing from the application");
            }
            this.content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    /**
     * Writes or removes the dropin so that it matches ENABLED; true when the file changed (and
     * Liberty is about to switch the endpoint). An unchanged file is left alone: every write makes
     * Liberty reload its configuration.
     */
    boolean apply(boolean enabled) {
        try {
            if (!enabled) {
                return Files.deleteIfExists(file);
            }
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
