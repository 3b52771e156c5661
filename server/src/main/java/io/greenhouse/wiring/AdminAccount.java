package io.greenhouse.wiring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The admin center's administrator. Its password is the one configured, or else one generated at
 * the first start and kept (mode 0600) in the server's own directory, so the repository and the
 * image hold none. The user reaches Liberty's basic registry through a configuration drop-in
 * (also 0600), which Liberty applies while it runs. The same drop-in gives the default keystore
 * (the admin center's self-signed certificate) a password generated once, unless a keystore is
 * already there that this class did not make (an image's own, or an operator's).
 */
public final class AdminAccount {
    static final String PASSWORD_FILE = "resources/security/greenhouse-admin.password";
    static final String KEYSTORE_PASSWORD_FILE = "resources/security/greenhouse-keystore.password";
    static final String KEYSTORE = "resources/security/key.p12";
    static final String DROPIN = "configDropins/overrides/greenhouse-admin.xml";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Path serverConfigDir;
    private final SecureRandom random;

    /** What was set up; {@code generated} only the first time a password was made. */
    public record Outcome(String user, String password, boolean generated, Path passwordFile) {
    }

    public AdminAccount(Path serverConfigDir, SecureRandom random) {
        this.serverConfigDir = serverConfigDir;
        this.random = random;
    }

    public Outcome ensure(String user, Optional<String> configuredPassword) {
        Path passwordFile = serverConfigDir.resolve(PASSWORD_FILE);
        String password;
        boolean generated = false;
        if (configuredPassword.isPresent()) {
            password = configuredPassword.get();
        } else if (Files.isRegularFile(passwordFile)) {
            password = read(passwordFile).strip();
        } else {
            password = generate(24);
            writePrivately(passwordFile, password + "\n");
            generated = true;
        }
        String keyStore = keyStorePassword()
                .map(p -> "  <keyStore id=\"defaultKeyStore\" password=\"" + xor(p) + "\"/>\n").orElse("");
        String dropin = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by Greenhouse at start (wiring.AdminAccount): the admin center's administrator. -->
                <server>
                  <basicRegistry id="basic" realm="greenhouse">
                    <user name="%s" password="%s"/>
                  </basicRegistry>
                %s</server>
                """.formatted(xmlAttribute(user), xor(password), keyStore);
        Path dropinFile = serverConfigDir.resolve(DROPIN);
        // Rewritten only when it changes: every write makes Liberty reload its configuration.
        if (!Files.isRegularFile(dropinFile) || !read(dropinFile).equals(dropin)) {
            writePrivately(dropinFile, dropin);
        }
        return new Outcome(user, password, generated, passwordFile);
    }

    /** Ours if we made it (or are about to); none if a keystore exists that we did not make. */
    private Optional<String> keyStorePassword() {
        Path file = serverConfigDir.resolve(KEYSTORE_PASSWORD_FILE);
        if (Files.isRegularFile(file)) {
            return Optional.of(read(file).strip());
        }
        if (Files.exists(serverConfigDir.resolve(KEYSTORE))) {
            return Optional.empty();
        }
        String password = generate(24);
        writePrivately(file, password + "\n");
        return Optional.of(password);
    }

    private String generate(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Liberty's {xor} form: keeps the password from being read over a shoulder; the file mode protects it. */
    static String xor(String password) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] ^= '_';
        }
        return "{xor}" + Base64.getEncoder().encodeToString(bytes);
    }

    private static String xmlAttribute(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Created 0600 before anything is written into it, and moved into place whole. */
    private static void writePrivately(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
