package io.greenhouse.linux;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The kernel structs as ProjectQuotas lays them out (uapi linux/fs.h, linux/quota.h). */
class ProjectQuotasTest {

    @Test
    void commandsCarryTheQuotaTypeInTheLowByte() {
        assertEquals(0x80000702, ProjectQuotas.qcmd(0x800007, 2), "Q_GETQUOTA on PRJQUOTA");
        assertEquals(0x80000802, ProjectQuotas.qcmd(0x800008, 2), "Q_SETQUOTA on PRJQUOTA");
    }

    @Test
    void ioctlNumbersEncodeTheFsxattrSize() {
        assertEquals(28, (ProjectQuotas.FS_IOC_FSGETXATTR >> 16) & 0x3fff);
        assertEquals(28, (ProjectQuotas.FS_IOC_FSSETXATTR >> 16) & 0x3fff);
        assertEquals(2, ProjectQuotas.FS_IOC_FSGETXATTR >>> 30, "_IOR");
        assertEquals(1, ProjectQuotas.FS_IOC_FSSETXATTR >>> 30, "_IOW");
    }

    @Test
    void theProjectIdIsTheFourthWordAndInheritIsSet() {
        byte[] attr = new byte[ProjectQuotas.FSXATTR_SIZE];
        ByteBuffer.wrap(attr).order(ByteOrder.nativeOrder()).putInt(0, 0x8);
        ProjectQuotas.withProject(attr, 4711);
        ByteBuffer b = ByteBuffer.wrap(attr).order(ByteOrder.nativeOrder());
        assertEquals(0x8 | ProjectQuotas.FS_XFLAG_PROJINHERIT, b.getInt(0), "other flags kept");
        assertEquals(4711, ProjectQuotas.decodeProjectId(attr));
    }

    @Test
    void limitsAreHardOnlyInKibibyteBlocksAndMarkedValid() {
        byte[] dq = ProjectQuotas.encodeLimits(1025, 100);
        ByteBuffer b = ByteBuffer.wrap(dq).order(ByteOrder.nativeOrder());
        assertEquals(72, dq.length);
        assertEquals(2, b.getLong(0), "bhardlimit rounded up");
        assertEquals(0, b.getLong(8), "no soft limit");
        assertEquals(100, b.getLong(24), "ihardlimit");
        assertEquals(0, b.getLong(32));
        assertEquals(1 | 4, b.getInt(64), "QIF_BLIMITS | QIF_ILIMITS");
    }

    @Test
    void usageIsCurspaceInBytesAndCurinodes() {
        byte[] dq = new byte[72];
        ByteBuffer b = ByteBuffer.wrap(dq).order(ByteOrder.nativeOrder());
        b.putLong(16, 5_242_880);
        b.putLong(40, 7);
        assertEquals(new ProjectQuotas.Usage(5_242_880, 7), ProjectQuotas.decodeUsage(dq));
    }
}
