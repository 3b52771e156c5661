package io.greenhouse.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyringQuotaTest {
    @TempDir
    Path keys;

    private void sysctls(String maxkeys, String maxbytes) throws Exception {
        Files.writeString(keys.resolve("maxkeys"), maxkeys);
        Files.writeString(keys.resolve("maxbytes"), maxbytes);
    }

    @Test
    void theKernelsDefaultsForANonRootUserAreRaisedSoMoreThan200ContainersFit() throws Exception {
        sysctls("200\n", "20000\n");
        assertEquals(List.of("maxkeys 200 -> 1000000", "maxbytes 20000 -> 25000000"),
                new KeyringQuota(keys).raise(KeyringQuota.DEFAULT_MAX_KEYS, KeyringQuota.DEFAULT_MAX_BYTES));
        assertEquals("1000000", Files.readString(keys.resolve("maxkeys")));
        assertEquals("25000000", Files.readString(keys.resolve("maxbytes")));
    }

    @Test
    void higherValuesAnOperatorSetAreNeverLowered() throws Exception {
        sysctls("5000000\n", "20000\n");
        assertEquals(List.of("maxbytes 20000 -> 25000000"),
                new KeyringQuota(keys).raise(KeyringQuota.DEFAULT_MAX_KEYS, KeyringQuota.DEFAULT_MAX_BYTES));
        assertEquals("5000000\n", Files.readString(keys.resolve("maxkeys")));
    }

    @Test
    void zeroLeavesASysctlAlone() throws Exception {
        sysctls("200\n", "20000\n");
        assertEquals(List.of(), new KeyringQuota(keys).raise(0, 0));
        assertEquals("200\n", Files.readString(keys.resolve("maxkeys")));
    }

    @Test
    void aSysctlThatCannotBeReadSaysHowToTurnTheRaiseOff() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new KeyringQuota(keys).raise(KeyringQuota.DEFAULT_MAX_KEYS, 0));
        assertEquals(true, e.getMessage().contains("greenhouse.host.keys.max-keys"), e.getMessage());
    }
}
