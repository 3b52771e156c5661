package io.greenhouse.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountTableTest {

    @Test
    void octalEscapesOfMountinfoAreDecoded() {
        assertEquals("/var/lib/my dir", MountTable.unescape("/var/lib/my\\040dir"));
        assertEquals("a\tb\nc\\d", MountTable.unescape("a\\011b\\012c\\134d"));
        assertEquals("/end ", MountTable.unescape("/end\\040"));
    }

    @Test
    void backslashesThatAreNotEscapesAreKept() {
        assertEquals("a\\xyz", MountTable.unescape("a\\xyz"));
        assertEquals("a\\0", MountTable.unescape("a\\0"));
        assertEquals("plain", MountTable.unescape("plain"));
    }

    @Test
    void rootIsAMountAndNothingIsMountedUnderAFreshPath() {
        assertTrue(MountTable.mountPoints().contains("/"));
        assertTrue(MountTable.anyMountUnder(Path.of("/")));
        assertFalse(MountTable.anyMountUnder(Path.of("/nonexistent/greenhouse/test")));
    }
}
