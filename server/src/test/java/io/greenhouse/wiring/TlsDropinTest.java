package io.greenhouse.wiring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsDropinTest {
    @TempDir
    Path server;

    @Test
    void enablingWritesTheDropinThatMakesTheGardenEndpointHttpsOnlyWithClientCertificates() throws Exception {
        TlsDropin dropin = new TlsDropin(server);
        assertTrue(dropin.apply(true));
        String xml = Files.readString(server.resolve("configDropins/overrides/garden-tls.xml"));
        assertTrue(xml.contains("<httpEndpoint id=\"defaultHttpEndpoint\" httpPort=\"-1\""), xml);
        assertTrue(xml.contains("clientAuthentication=\"true\""), xml);
        assertTrue(xml.contains("transportSecurity-1.0"), xml);
    }

    @Test
    void anUnchangedDropinIsNotRewrittenSinceEveryWriteReloadsLibertysConfiguration() throws Exception {
        TlsDropin dropin = new TlsDropin(server);
        dropin.apply(true);
        FileTime old = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(dropin.file(), old);
        assertFalse(dropin.apply(true));
        assertEquals(old, Files.getLastModifiedTime(dropin.file()));
    }

    @Test
    void aTamperedDropinIsRestored() throws Exception {
        TlsDropin dropin = new TlsDropin(server);
        dropin.apply(true);
        Files.writeString(dropin.file(), "<server/>");
        assertTrue(dropin.apply(true));
        assertTrue(Files.readString(dropin.file()).contains("clientAuthentication"));
    }

    @Test
    void disablingRemovesTheDropinAndIsANoOpWhenThereIsNone() {
        TlsDropin dropin = new TlsDropin(server);
        assertFalse(dropin.apply(false));
        dropin.apply(true);
        assertTrue(dropin.apply(false));
        assertFalse(Files.exists(dropin.file()));
    }
}
