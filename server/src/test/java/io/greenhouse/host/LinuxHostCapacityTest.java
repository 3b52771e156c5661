package io.greenhouse.host;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxHostCapacityTest {

    @Test
    void memTotalIsReadInKibibytesAndReportedInBytes() {
        String meminfo = "MemFree:          123456 kB\nMemTotal:        8039920 kB\nBuffers:  1 kB\n";
        assertEquals(8039920L * 1024, LinuxHostCapacity.parseMemTotal(meminfo));
    }

    @Test
    void meminfoWithoutMemTotalIsAnError() {
        assertThrows(IllegalStateException.class, () -> LinuxHostCapacity.parseMemTotal("MemFree: 1 kB\n"));
    }

    @Test
    void readsTheGivenMeminfoAndTheDepotsFilesystem(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal: 2048 kB\n");
        LinuxHostCapacity host = new LinuxHostCapacity(meminfo, dir);
        assertEquals(2048L * 1024, host.memoryBytes());
        assertTrue(host.diskBytes() > 0);
    }
}
