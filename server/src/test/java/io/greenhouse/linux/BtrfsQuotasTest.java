package io.greenhouse.linux;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ioctl numbers and struct layouts BtrfsQuotas hands the kernel (linux/btrfs.h on x86_64). */
class BtrfsQuotasTest {

    private static long ioc(int dir, int size, int nr) {
        return ((long) dir << 30) | ((long) size << 16) | (0x94L << 8) | nr;
    }

    @Test
    void ioctlNumbersAreTheHeadersOnes() {
        int write = 1;
        int read = 2;
        assertEquals(ioc(write, 4096, 14), BtrfsQuotas.SUBVOL_CREATE);
        assertEquals(ioc(write, 4096, 15), BtrfsQuotas.SNAP_DESTROY);
        assertEquals(ioc(read | write, 4096, 18), BtrfsQuotas.INO_LOOKUP);
        assertEquals(ioc(read, 1024, 31), BtrfsQuotas.FS_INFO);
        assertEquals(ioc(read | write, 16, 40), BtrfsQuotas.QUOTA_CTL);
        // the header declares QGROUP_LIMIT _IOR although the kernel reads it
        assertEquals(ioc(read, 48, 43), BtrfsQuotas.QGROUP_LIMIT);
    }

    @Test
    void volArgsCarryTheNameAfterTheFd() {
        byte[] args = BtrfsQuotas.volArgs("web-1");
        assertEquals(4096, args.length);
        assertEquals(0, ByteBuffer.wrap(args).order(ByteOrder.nativeOrder()).getLong(0));
        assertEquals("web-1", new String(args, 8, 5, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, args[13], "NUL-terminated");
        assertThrows(IllegalArgumentException.class, () -> BtrfsQuotas.volArgs("a/b"));
        assertThrows(IllegalArgumentException.class, () -> BtrfsQuotas.volArgs(""));
    }

    @Test
    void aLimitIsOnReferencedBytesAndZeroClearsIt() {
        ByteBuffer b = ByteBuffer.wrap(BtrfsQuotas.encodeLimit(16L << 20)).order(ByteOrder.nativeOrder());
        assertEquals(48, b.capacity());
        assertEquals(0, b.getLong(0), "qgroup 0: the fd's own subvolume");
        assertEquals(BtrfsQuotas.LIMIT_MAX_RFER, b.getLong(8));
        assertEquals(16L << 20, b.getLong(16));
        assertEquals(0, b.getLong(24), "exclusive untouched");
        ByteBuffer none = ByteBuffer.wrap(BtrfsQuotas.encodeLimit(0)).order(ByteOrder.nativeOrder());
        assertEquals(-1L, none.getLong(16), "the kernel's clear value");
    }

    @Test
    void fsidsAreNamedAsSysfsNamesThem() {
        byte[] info = new byte[1024];
        for (int i = 0; i < 16; i++) {
            info[16 + i] = (byte) (0x70 + i);
        }
        assertEquals("70717273-7475-7677-7879-7a7b7c7d7e7f", BtrfsQuotas.uuid(info, 16));
    }
}
