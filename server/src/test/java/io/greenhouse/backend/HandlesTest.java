package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandlesTest {

    @Test
    void acceptsGuardianStyleHandles() {
        for (String ok : List.of("a", "my-app_1", "0f3c9a4e-6a2b-4c1d-9e8f-1a2b3c4d5e6f", "x+y", "a.b",
                "x".repeat(Handles.MAX_LENGTH))) {
            assertEquals(ok, Handles.validate(ok));
        }
    }

    /** runC refuses these in a container id and ':' or ',' would break the overlay mount options. */
    @Test
    void refusesCharactersRuncCannotTakeInAContainerId() {
        for (String bad : List.of("guid:index", "user@zone", "x=y", "a,b")) {
            GardenException e = assertThrows(GardenException.class, () -> Handles.validate(bad), bad);
            assertTrue(e.getMessage().contains("may only contain letters, digits and _ + - ."), e.getMessage());
        }
    }

    @Test
    void refusesHandlesThatCouldNameAnotherPath() {
        for (String bad : List.of("", "..", ".", "../x", "a/b", "/abs", "sp ace", "tab\t", "new\nline", "ü",
                "x".repeat(Handles.MAX_LENGTH + 1))) {
            assertThrows(GardenException.class, () -> Handles.validate(bad), bad);
        }
        assertThrows(GardenException.class, () -> Handles.validate(null));
    }

    /** A handle is the last argument of runC's commands (and the monitor's): never an option there. */
    @Test
    void refusesHandlesThatRuncWouldReadAsAnOption() {
        for (String bad : List.of("-rf", "--help", "--force", "-")) {
            GardenException e = assertThrows(GardenException.class, () -> Handles.validate(bad), bad);
            assertTrue(e.getMessage().contains("must not start with '-'"), e.getMessage());
        }
        assertEquals("a-", Handles.validate("a-"));
    }

    /** The characters that would change an iptables-restore line, a mount option list or a path never pass. */
    @Test
    void refusesQuotingAndSeparatorCharacters() {
        for (String bad : List.of("a\"b", "a'b", "a b", "a;b", "a$b", "a`b", "a\\b", "a:b", "a,b", "a/b", "a\u0000b")) {
            assertThrows(GardenException.class, () -> Handles.validate(bad), bad);
        }
    }

    @Test
    void errorMessagesDoNotEchoControlCharacters() {
        GardenException e = assertThrows(GardenException.class, () -> Handles.validate("a\u001b[2Jb"));
        assertTrue(e.getMessage().contains("a?[2Jb"), e.getMessage());
    }

    @Test
    void generatedHandlesAreValidUniqueAndFitAHostname() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String h = Handles.generate();
            assertEquals(h, Handles.validate(h));
            assertTrue(h.length() <= 49);
            assertTrue(seen.add(h));
        }
    }
}
