package io.greenhouse.testsupport;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A tar built entry by entry in memory, with names written exactly as given (absolute ones and
 * {@code ..} included), for tests of normal and hostile streams.
 */
public final class TarBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public TarBuilder(int longFileMode) {
        tar.setLongFileMode(longFileMode);
    }

    public TarBuilder() {
        this(TarArchiveOutputStream.LONGFILE_GNU);
    }

    public TarBuilder file(String name, String content) {
        return file(name, content, 0644, e -> { });
    }

    public TarBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> tweak) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), mode, tweak);
    }

    public TarBuilder file(String name, byte[] data, int mode, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        e.setSize(data.length);
        e.setMode(mode);
        tweak.accept(e);
        return put(e, data);
    }

    public TarBuilder dir(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        e.setMode(0755);
        return put(e, new byte[0]);
    }

    /** A symbolic ({@code LF_SYMLINK}) or hard ({@code LF_LINK}) link. */
    public TarBuilder link(byte type, String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLinkName(target);
        return put(e, new byte[0]);
    }

    /** A device or FIFO entry with device numbers 8:0 and the default mode. */
    public TarBuilder device(byte type, String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setDevMajor(8);
        e.setDevMinor(0);
        return put(e, new byte[0]);
    }

    public TarBuilder device(byte type, String name, int major, int minor) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(0666);
        return put(e, new byte[0]);
    }

    private TarBuilder put(TarArchiveEntry e, byte[] data) {
        try {
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public byte[] bytes() {
        try {
            tar.finish();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
