package io.greenhouse.linux;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesATreeButNotWhatItsSymlinksPointAt() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f"), "y");
        Files.createSymbolicLink(tmp.resolve("tree/a/link"), outside);
        Files.createSymbolicLink(tmp.resolve("tree/a/dangling"), tmp.resolve("nowhere"));

        FileTrees.delete(tmp.resolve("tree"));

        assertFalse(Files.exists(tmp.resolve("tree")));
        assertTrue(Files.exists(outside.resolve("keep")));
    }

    @Test
    void aTopThatIsASymlinkIsRemovedItself() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep"), "x");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), outside);

        FileTrees.delete(link);

        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(outside.resolve("keep")));
    }

    @Test
    void aMissingTreeIsNoError() throws Exception {
        FileTrees.delete(tmp.resolve("absent"));
        FileTrees.deleteQuietly(tmp.resolve("absent"));
    }
}
