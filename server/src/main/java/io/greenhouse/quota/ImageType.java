package io.greenhouse.quota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The file system an image file holds, by its superblock's magic (no blkid process). */
final class ImageType {
    private ImageType() {
    }

    /** {@code xfs}, {@code ext4}, {@code btrfs} or {@code unknown}. */
    static String of(Path image) throws IOException {
        try (FileChannel f = FileChannel.open(image, StandardOpenOption.READ)) {
            if (magic(f, 0, 4).equals("XFSB")) {
                return "xfs";
            }
            // btrfs: "_BHRfS_M" in the superblock at 64 KiB, offset 0x40
            if (magic(f, 0x10040, 8).equals("_BHRfS_M")) {
                return "btrfs";
            }
            // ext2/3/4: 0xEF53 little-endian at byte 0x38 of the superblock at 1 KiB
            ByteBuffer b = ByteBuffer.allocate(2);
            if (f.read(b, 1024 + 0x38) == 2 && (b.get(0) & 0xff) == 0x53 && (b.get(1) & 0xff) == 0xef) {
                return "ext4";
            }
        }
        return "unknown";
    }

    private static String magic(FileChannel f, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        int n = f.read(b, offset);
        return n == length ? new String(b.array(), StandardCharsets.ISO_8859_1) : "";
    }
}
