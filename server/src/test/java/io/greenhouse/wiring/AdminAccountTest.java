package io.greenhouse.wiring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminAccountTest {
    @TempDir
    Path server;

    @Test
    void generatesAPasswordOnceAndKeepsItPrivate() throws Exception {
        AdminAccount.Outcome first = new AdminAccount(server, new SecureRandom()).ensure("admin", Optional.empty());
        assertTrue(first.generated());
        assertEquals(24, first.password().length());
        Path file = server.resolve(AdminAccount.PASSWORD_FILE);
        assertEquals(first.password(), Files.readString(file).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Path dropin = server.resolve(AdminAccount.DROPIN);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dropin)));

        AdminAccount.Outcome second = new AdminAccount(server, new SecureRandom()).ensure("admin", Optional.empty());
        assertFalse(second.generated());
        assertEquals(first.password(), second.password());
    }

    @Test
    void theDropinNamesTheUserWithTheEncodedPasswordOnly() throws Exception {
        AdminAccount.Outcome account = new AdminAccount(server, new SecureRandom()).ensure("ops\"1", Optional.empty());
        String dropin = Files.readString(server.resolve(AdminAccount.DROPIN));
        assertTrue(dropin.contains("<user name=\"ops&quot;1\" password=\"" + AdminAccount.xor(account.password()) + "\"/>"), dropin);
        assertFalse(dropin.contains(account.password()));
        assertTrue(dropin.contains("<basicRegistry id=\"basic\""));
    }

    @Test
    void aConfiguredPasswordWinsAndNothingIsGenerated() throws Exception {
        AdminAccount.Outcome account = new AdminAccount(server, new SecureRandom()).ensure("admin", Optional.of("s3cret"));
        assertFalse(account.generated());
        assertEquals("s3cret", account.password());
        assertFalse(Files.exists(server.resolve(AdminAccount.PASSWORD_FILE)));
        assertTrue(Files.readString(server.resolve(AdminAccount.DROPIN)).contains(AdminAccount.xor("s3cret")));
    }

    @Test
    void anUnchangedDropinIsNotRewrittenSoLibertyDoesNotReload() throws Exception {
        AdminAccount account = new AdminAccount(server, new SecureRandom());
        account.ensure("admin", Optional.of("pw"));
        Path dropin = server.resolve(AdminAccount.DROPIN);
        FileTime old = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(dropin, old);
        account.ensure("admin", Optional.of("pw"));
        assertEquals(old, Files.getLastModifiedTime(dropin));
        account.ensure("admin", Optional.of("other"));
        assertNotEquals(old, Files.getLastModifiedTime(dropin));
    }

    @Test
    void theDefaultKeystoreGetsAPasswordOfOursUnlessOneIsAlreadyThere() throws Exception {
        new AdminAccount(server, new SecureRandom()).ensure("admin", Optional.of("pw"));
        Path file = server.resolve(AdminAccount.KEYSTORE_PASSWORD_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String ours = Files.readString(file).strip();
        Path dropin = server.resolve(AdminAccount.DROPIN);
        assertTrue(Files.readString(dropin).contains("<keyStore id=\"defaultKeyStore\" password=\"" + AdminAccount.xor(ours) + "\"/>"));
        // Once Liberty made key.p12 with it, the same password is kept.
        Files.writeString(server.resolve(AdminAccount.KEYSTORE), "p12");
        new AdminAccount(server, new SecureRandom()).ensure("admin", Optional.of("pw"));
        assertTrue(Files.readString(dropin).contains(AdminAccount.xor(ours)));

        Path other = Files.createDirectories(server.resolve("other"));
        Files.createDirectories(other.resolve("resources/security"));
        Files.writeString(other.resolve(AdminAccount.KEYSTORE), "someone else's");
        new AdminAccount(other, new SecureRandom()).ensure("admin", Optional.of("pw"));
        assertFalse(Files.readString(other.resolve(AdminAccount.DROPIN)).contains("keyStore"));
        assertFalse(Files.exists(other.resolve(AdminAccount.KEYSTORE_PASSWORD_FILE)));
    }

    @Test
    void xorIsLibertysEncoding() {
        // securityUtility encode password
        assertEquals("{xor}Lz4sLCgwLTs=", AdminAccount.xor("password"));
    }
}
