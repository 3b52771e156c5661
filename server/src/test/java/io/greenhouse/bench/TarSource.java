package io.greenhouse.bench;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A tar of one file of a given size, generated as it is read (never held in memory). */
final class TarSource {
    static InputStream of(String name, long size) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(header);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        tar.putArchiveEntry(e);
        tar.flush();
        long padding = (512 - size % 512) % 512;
        return new SequenceInputStream(Collections.enumeration(List.of(
                new ByteArrayInputStream(Arrays.copyOf(header.toByteArray(), 512)),
                new Pattern(size, padding + 1024))));
    }

    /** {@code size} bytes of 'g', then zeros (padding and the archive's end). */
    private static final class Pattern extends InputStream {
        private long data;
        private long zeros;

        Pattern(long data, long zeros) {
            this.data = data;
            this.zeros = zeros;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (data > 0) {
                int n = (int) Math.min(len, data);
                Arrays.fill(b, off, off + n, (byte) 'g');
                data -= n;
                return n;
            }
            if (zeros > 0) {
                int n = (int) Math.min(len, zeros);
                Arrays.fill(b, off, off + n, (byte) 0);
                zeros -= n;
                return n;
            }
            return -1;
        }
    }

    private TarSource() {
    }
}
