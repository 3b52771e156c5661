package io.greenhouse.files;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a tar stream from a client, refuses anything that could write outside the destination,
 * and writes the accepted entries as a new, canonical tar for the extractor.
 *
 * <p>Rewriting (rather than passing the client's bytes through once they look fine) means the
 * extractor parses exactly what was checked: no disagreement between two tar parsers about a
 * name, a size or a header type can smuggle an entry past the check. Refused: absolute names,
 * "..", an entry at or beneath a symlink of the same stream, a hard link to anything but an
 * earlier regular file of the stream, device nodes unless allowed, sparse and exotic entry types,
 * more content or entries than the {@link TarLimits}, and a stream that is not a complete tar.
 * Entries are streamed one buffer at a time: memory does not grow with the size of the stream.
 */
public final class TarSanitizer {
    private static final int BUFFER = 64 * 1024;

    private final TarLimits limits;
    private final boolean allowDevices;
    private final Set<String> symlinks = new HashSet<>();
    private final Set<String> regularFiles = new HashSet<>();
    private long contentBytes;
    private long entries;

    public TarSanitizer(TarLimits limits, boolean allowDevices) {
        this.limits = limits;
        this.allowDevices = allowDevices;
    }

    /** What a successful copy carried. */
    public record Summary(long entries, long contentBytes) {
    }

    /**
     * Copies {@code in} to {@code out}. Throws {@link HostileTarException} for a refused entry or
     * stream, before writing anything of that entry; {@link IOException} when either side fails.
     * Finishes the archive on {@code out} but does not close it.
     */
    public Summary copy(InputStream in, OutputStream out) throws IOException {
        CheckedTarInput tar = new CheckedTarInput(in);
        TarArchiveOutputStream canonical = new TarArchiveOutputStream(out);
        canonical.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        canonical.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        byte[] buffer = new byte[BUFFER];
        TarArchiveEntry entry;
        while ((entry = nextEntry(tar)) != null) {
            TarArchiveEntry accepted = accept(entry);
            if (accepted == null) {
                continue;
            }
            canonical.putArchiveEntry(accepted);
            if (accepted.getLinkFlag() == TarConstants.LF_NORMAL) {
                long copied = 0;
                int n;
                while ((n = read(tar, buffer)) != -1) {
                    canonical.write(buffer, 0, n);
                    copied += n;
                }
                if (copied != accepted.getSize()) {
                    throw new HostileTarException("truncated tar stream: " + entry.getName() + " is short");
                }
            }
            canonical.closeArchiveEntry();
        }
        if (!tar.endedWithEofRecord()) {
            throw new HostileTarException(tar.recordsRead() == 0
                    ? "not a tar archive: the stream ends before its first header"
                    : "truncated tar stream: it ends without the end-of-archive marker");
        }
        canonical.finish();
        canonical.flush();
        return new Summary(entries, contentBytes);
    }

    private static TarArchiveEntry nextEntry(CheckedTarInput tar) {
        TarArchiveEntry entry;
        try {
            entry = tar.next();
        } catch (HostileTarException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new HostileTarException("not a valid tar stream: " + e.getMessage());
        }
        if (entry != null && tar.extendedNameWasAbsolute()) {
            throw new HostileTarException("absolute entry name /" + entry.getName());
        }
        return entry;
    }

    /** Reads entry data; a failure here is the client's stream breaking off. */
    private static int read(TarArchiveInputStream tar, byte[] buffer) {
        try {
            return tar.read(buffer);
        } catch (IOException e) {
            throw new HostileTarException("truncated tar stream: " + e.getMessage());
        }
    }

    /** The entry to write for {@code entry}, null to skip it, or a {@link HostileTarException}. */
    TarArchiveEntry accept(TarArchiveEntry entry) {
        if (++entries > limits.maxEntries()) {
            throw new HostileTarException("more than " + limits.maxEntries() + " entries");
        }
        String raw = entry.getName();
        byte type = entry.getLinkFlag();
        if ((type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM) && raw.endsWith("/")) {
            type = TarConstants.LF_DIR; // old tars mark directories by a trailing slash only
        }
        if (entry.isSparse()) {
            throw new HostileTarException("sparse entry " + raw + " is not supported");
        }
        String name = relativeName(raw, "entry name");
        boolean directory = type == TarConstants.LF_DIR;
        if (name.isEmpty()) {
            if (directory) {
                return null; // "./": the destination itself, which is not the stream's to change
            }
            throw new HostileTarException("entry without a name");
        }
        refuseThroughSymlink(name);
        TarArchiveEntry out;
        switch (type) {
            case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG -> {
                if (entry.getSize() < 0 || entry.getSize() > limits.maxBytes() - contentBytes) {
                    throw new HostileTarException("more than " + limits.maxBytes() + " bytes of content");
                }
                contentBytes += entry.getSize();
                out = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
                out.setSize(entry.getSize());
                regularFiles.add(name);
            }
            case TarConstants.LF_DIR -> out = new TarArchiveEntry(name + "/", TarConstants.LF_DIR, true);
            case TarConstants.LF_SYMLINK -> {
                String target = entry.getLinkName();
                if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
                    throw new HostileTarException("symlink " + name + " has no valid target");
                }
                out = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
                out.setLinkName(target);
                symlinks.add(name);
            }
            case TarConstants.LF_LINK -> {
                String target = relativeName(entry.getLinkName() == null ? "" : entry.getLinkName(), "hard link target");
                if (!regularFiles.contains(target)) {
                    throw new HostileTarException("hard link " + name + " points to " + entry.getLinkName()
                            + ", which is not a file earlier in the stream");
                }
                out = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
                out.setLinkName(target);
                regularFiles.add(name);
            }
            case TarConstants.LF_FIFO -> out = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
            case TarConstants.LF_CHR, TarConstants.LF_BLK -> {
                if (!allowDevices) {
                    throw new HostileTarException("device node " + name + " in an unprivileged container");
                }
                out = new TarArchiveEntry(name, type, true);
                out.setDevMajor(entry.getDevMajor());
                out.setDevMinor(entry.getDevMinor());
            }
            default -> throw new HostileTarException("entry " + name + " has unsupported type '" + (char) type + "'");
        }
        if (type != TarConstants.LF_NORMAL && type != TarConstants.LF_OLDNORM && type != TarConstants.LF_CONTIG
                && type != TarConstants.LF_LINK) {
            regularFiles.remove(name);
        }
        out.setMode(entry.getMode() & 07777);
        out.setModTime(entry.getModTime());
        return out;
    }

    /**
     * The entry's path relative to the destination, with "." and empty components dropped;
     * absolute names, ".." components and NUL bytes are refused, not rewritten.
     */
    static String relativeName(String raw, String what) {
        if (raw.startsWith("/")) {
            throw new HostileTarException("absolute " + what + " " + raw);
        }
        if (raw.indexOf('\0') >= 0) {
            throw new HostileTarException(what + " with a NUL byte");
        }
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.equals("..")) {
                throw new HostileTarException(what + " " + raw + " climbs out with ..");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** Refuses an entry at or beneath a symlink this stream created: it would be written through it. */
    private void refuseThroughSymlink(String name) {
        if (symlinks.isEmpty()) {
            return;
        }
        int slash = -1;
        do {
            slash = name.indexOf('/', slash + 1);
            String prefix = slash < 0 ? name : name.substring(0, slash);
            if (symlinks.contains(prefix)) {
                throw new HostileTarException("entry " + name + " would be written through symlink " + prefix);
            }
        } while (slash >= 0);
    }

    /**
     * Sees what Commons Compress hides. It treats a short read where a header should be as the end
     * of the archive, so this remembers whether the end-of-archive record came. And it silently
     * strips the leading "/" of names given in GNU long-name and PAX headers, so this reads those
     * headers' bytes as they pass and remembers whether the name in them was absolute.
     */
    private static final class CheckedTarInput extends TarArchiveInputStream {
        private static final int MAX_EXTENDED_HEADER = 1 << 20;
        private final java.io.ByteArrayOutputStream paxData = new java.io.ByteArrayOutputStream();
        private final java.io.ByteArrayOutputStream gnuNameData = new java.io.ByteArrayOutputStream();
        private boolean extendedNameAbsolute;
        private boolean sawEofRecord;
        private long records;

        CheckedTarInput(InputStream in) {
            super(in);
        }

        /** The next entry, having noted whether its extended headers named it absolutely. */
        TarArchiveEntry next() throws IOException {
            paxData.reset();
            gnuNameData.reset();
            TarArchiveEntry entry = getNextEntry();
            byte[] gnuName = gnuNameData.toByteArray();
            extendedNameAbsolute = (gnuName.length > 0 && gnuName[0] == '/') || paxPathIsAbsolute(paxData.toByteArray());
            return entry;
        }

        /** Keeps a copy of the bytes of PAX and GNU long-name headers as Commons Compress reads them. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            TarArchiveEntry current = getCurrentEntry();
            if (n > 0 && current != null) {
                java.io.ByteArrayOutputStream copy = current.isPaxHeader() ? paxData
                        : current.isGNULongNameEntry() ? gnuNameData : null;
                if (copy != null) {
                    if (copy.size() + n > MAX_EXTENDED_HEADER) {
                        throw new HostileTarException("extended header larger than " + MAX_EXTENDED_HEADER + " bytes");
                    }
                    copy.write(b, off, n);
                }
            }
            return n;
        }

        /** PAX records are "LEN key=value\n"; looks for a path whose value starts with "/". */
        static boolean paxPathIsAbsolute(byte[] records) {
            String text = new String(records, java.nio.charset.StandardCharsets.UTF_8);
            for (String record : text.split("\n")) {
                int space = record.indexOf(' ');
                if (space > 0 && record.startsWith("path=/", space + 1)) {
                    return true;
                }
            }
            return false;
        }

        boolean extendedNameWasAbsolute() {
            return extendedNameAbsolute;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            if (record != null) {
                records++;
                if (isEOFRecord(record)) {
                    sawEofRecord = true;
                }
            }
            return record;
        }

        boolean endedWithEofRecord() {
            return sawEofRecord;
        }

        long recordsRead() {
            return records;
        }
    }
}
