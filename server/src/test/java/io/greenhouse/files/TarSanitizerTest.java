package io.greenhouse.files;

import io.greenhouse.testsupport.TarBuilder;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarSanitizerTest {
    private static final TarLimits GENEROUS = new TarLimits(1L << 40, 1_000_000);

    private static byte[] sanitize(byte[] tar) throws IOException {
        return sanitize(tar, GENEROUS, false);
    }

    private static byte[] sanitize(byte[] tar, TarLimits limits, boolean devices) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TarSanitizer(limits, devices).copy(new ByteArrayInputStream(tar), out);
        return out.toByteArray();
    }

    private static HostileTarException refused(byte[] tar) {
        return assertThrows(HostileTarException.class, () -> sanitize(tar));
    }

    private static List<TarArchiveEntry> entries(byte[] tar) throws IOException {
        List<TarArchiveEntry> list = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                list.add(e);
            }
        }
        return list;
    }

    @Test
    void ordinaryEntriesAreRewrittenWithNamesModesTimesAndLinksKept() throws IOException {
        long mtime = 978_307_200_000L;
        byte[] tar = new TarBuilder()
                .dir("./app")
                .file("./app/run.sh", "#!/bin/sh\n", 0741, e -> e.setModTime(mtime))
                .link(TarConstants.LF_SYMLINK, "app/current", "/etc/passwd")
                .link(TarConstants.LF_LINK, "app/again.sh", "./app/run.sh")
                .device(TarConstants.LF_FIFO, "app/pipe")
                .bytes();
        List<TarArchiveEntry> out = entries(sanitize(tar));
        assertEquals(List.of("app/", "app/run.sh", "app/current", "app/again.sh", "app/pipe"),
                out.stream().map(TarArchiveEntry::getName).toList());
        assertEquals(0741, out.get(1).getMode());
        assertEquals(mtime, out.get(1).getModTime().getTime());
        assertEquals(10, out.get(1).getSize());
        assertEquals("/etc/passwd", out.get(2).getLinkName());
        assertEquals("app/run.sh", out.get(3).getLinkName());
        assertTrue(out.get(4).isFIFO());
    }

    @Test
    void fileContentIsCopiedByteForByte() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(raw)) {
            TarArchiveEntry e = new TarArchiveEntry("blob");
            e.setSize(data.length);
            t.putArchiveEntry(e);
            t.write(data);
            t.closeArchiveEntry();
        }
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(sanitize(raw.toByteArray())))) {
            in.getNextEntry();
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void theDestinationItselfIsNotTheStreamsToChange() throws IOException {
        byte[] tar = new TarBuilder().dir("./").file("./f", "x").bytes();
        assertEquals(List.of("f"), entries(sanitize(tar)).stream().map(TarArchiveEntry::getName).toList());
    }

    @Test
    void longNamesSurviveTheRewrite() throws IOException {
        String deep = "d/".repeat(120) + "file";
        byte[] tar = new TarBuilder(TarArchiveOutputStream.LONGFILE_POSIX).file(deep, "x").bytes();
        assertEquals(deep, entries(sanitize(tar)).get(0).getName());
    }

    @Test
    void absoluteNamesAreRefused() {
        assertTrue(refused(new TarBuilder().file("/etc/passwd", "x").bytes()).getMessage().contains("absolute"));
    }

    @Test
    void absoluteLongNamesAreRefusedWhateverTheLongNameFormat() {
        String deep = "/" + "d/".repeat(120) + "file";
        assertThrows(HostileTarException.class,
                () -> sanitize(new TarBuilder(TarArchiveOutputStream.LONGFILE_GNU).file(deep, "x").bytes()));
        assertThrows(HostileTarException.class,
                () -> sanitize(new TarBuilder(TarArchiveOutputStream.LONGFILE_POSIX).file(deep, "x").bytes()));
    }

    @Test
    void dotDotAnywhereInANameIsRefused() {
        for (String name : List.of("../x", "a/../../x", "a/..", "..")) {
            assertTrue(refused(new TarBuilder().file(name, "x").bytes()).getMessage().contains(".."), name);
        }
    }

    @Test
    void anEntryWrittenThroughASymlinkOfTheStreamIsRefused() {
        HostileTarException e = refused(new TarBuilder()
                .link(TarConstants.LF_SYMLINK, "escape", "/")
                .file("escape/etc/passwd", "root::0:0::/:/bin/sh")
                .bytes());
        assertTrue(e.getMessage().contains("through symlink escape"), e.getMessage());
        refused(new TarBuilder().link(TarConstants.LF_SYMLINK, "a/b", "/etc").dir("a/b").bytes());
        refused(new TarBuilder().link(TarConstants.LF_SYMLINK, "a", "..").file("./a//x", "y").bytes());
    }

    @Test
    void hardLinksOnlyToEarlierFilesOfTheStream() {
        refused(new TarBuilder().link(TarConstants.LF_LINK, "shadow", "etc/shadow").bytes());
        refused(new TarBuilder().link(TarConstants.LF_LINK, "passwd", "/etc/passwd").bytes());
        refused(new TarBuilder().link(TarConstants.LF_LINK, "up", "../../host").bytes());
        refused(new TarBuilder().dir("d").link(TarConstants.LF_LINK, "d2", "d").bytes());
        refused(new TarBuilder().link(TarConstants.LF_SYMLINK, "s", "/etc/shadow")
                .link(TarConstants.LF_LINK, "h", "s").bytes());
    }

    @Test
    void deviceNodesOnlyWhenAllowed() throws IOException {
        byte[] tar = new TarBuilder().device(TarConstants.LF_BLK, "sda").bytes();
        assertTrue(refused(tar).getMessage().contains("device node"));
        refused(new TarBuilder().device(TarConstants.LF_CHR, "mem").bytes());
        TarArchiveEntry e = entries(sanitize(tar, GENEROUS, true)).get(0);
        assertTrue(e.isBlockDevice());
        assertEquals(8, e.getDevMajor());
    }

    @Test
    void exoticEntryTypesAreRefused() {
        refused(new TarBuilder().device((byte) 'V', "volume").bytes());
    }

    @Test
    void tooMuchContentIsRefusedBeforeItIsWritten() {
        byte[] tar = new TarBuilder().file("a", "x".repeat(600)).file("b", "y".repeat(600)).bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(HostileTarException.class,
                () -> new TarSanitizer(new TarLimits(1000, 10), false).copy(new ByteArrayInputStream(tar), out));
        assertTrue(out.size() < 2048, "b's content must not have been written");
    }

    @Test
    void tooManyEntriesAreRefused() {
        TarBuilder b = new TarBuilder();
        for (int i = 0; i < 11; i++) {
            b.file("f" + i, "");
        }
        byte[] tar = b.bytes();
        assertThrows(HostileTarException.class,
                () -> new TarSanitizer(new TarLimits(1000, 10), false).copy(new ByteArrayInputStream(tar), OutputStream.nullOutputStream()));
    }

    @Test
    void aCutOffStreamIsRefusedWhereverItIsCut() {
        byte[] tar = new TarBuilder().file("a", "x".repeat(2000)).file("b", "y").bytes();
        for (int cut : new int[] {0, 10, 512, 700, 2560, 3072}) {
            byte[] part = Arrays.copyOf(tar, cut);
            assertThrows(HostileTarException.class, () -> sanitize(part), "cut at " + cut);
        }
    }

    @Test
    void garbageIsRefused() {
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        assertThrows(HostileTarException.class, () -> sanitize(garbage));
        assertThrows(HostileTarException.class,
                () -> sanitize("this is not a tar stream at all".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStreamWithJustTheEndMarkerIsAnEmptyArchive() throws IOException {
        assertEquals(List.of(), entries(sanitize(new byte[1024])));
    }

    @Test
    void memoryDoesNotDependOnContentSize() throws IOException {
        long size = 256L << 20;
        InputStream huge = new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                new ByteArrayInputStream(header("huge", size)), new ZeroStream(size + 1024))));
        TarSanitizer.Summary s = new TarSanitizer(GENEROUS, false).copy(huge, OutputStream.nullOutputStream());
        assertEquals(size, s.contentBytes());
    }

    private static byte[] header(String name, long size) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        TarArchiveOutputStream t = new TarArchiveOutputStream(b);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        t.putArchiveEntry(e);
        t.flush();
        return Arrays.copyOf(b.toByteArray(), 512);
    }

    /** Zeros, without holding them. */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
