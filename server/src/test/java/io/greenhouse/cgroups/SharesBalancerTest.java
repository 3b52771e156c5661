package io.greenhouse.cgroups;

import io.greenhouse.backend.CpuShares;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SharesBalancerTest {
    static final long EIGHT_GIB = 8L << 30;
    @TempDir
    Path root;
    final FakeProcs procs = new FakeProcs();

    private Path child(CpuCgroups cgroups, String handle, String file, String value, boolean withProcess)
            throws IOException {
        Path bad = Files.createDirectories(cgroups.bad(handle));
        Files.writeString(bad.resolve(file), value);
        if (withProcess) {
            procs.put(procs.where.size() + 1, bad);
        }
        return bad;
    }

    @Test
    void v1BadGetsThePunishedSharesTimesTheMultiplierAndGoodTheRestOfTheMemoryInMebibytes() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        cgroups.prepare();
        child(cgroups, "a", "cpu.shares", "100", true);
        child(cgroups, "b", "cpu.shares", "200", true);
        child(cgroups, "empty", "cpu.shares", "5000", false); // released: holds no process

        SharesBalancer.Split split = new SharesBalancer(cgroups, procs).balance(EIGHT_GIB, 2.0);

        assertEquals(new SharesBalancer.Split(8192 - 600, 600), split);
        assertEquals("600", Files.readString(cgroups.badParent().resolve("cpu.shares")));
        assertEquals("7592", Files.readString(cgroups.goodParent().resolve("cpu.shares")));
    }

    @Test
    void nobodyPunishedStillGivesBadTwoShares() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        cgroups.prepare();
        assertEquals(new SharesBalancer.Split(8190, 2), new SharesBalancer(cgroups, procs).balance(EIGHT_GIB, 1.0));
    }

    @Test
    void morePunishedSharesThanMemoryGiveGoodTheKernelsMaximumAsGuardiansWrapDoes() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", false);
        cgroups.prepare();
        child(cgroups, "a", "cpu.shares", "9000", true);
        SharesBalancer.Split split = new SharesBalancer(cgroups, procs).balance(EIGHT_GIB, 1.0);
        assertEquals(262144, split.good());
    }

    @Test
    void v2WorksInSharesAndWritesWeights() throws IOException {
        CpuCgroups cgroups = new CpuCgroups(root, "cell", true);
        cgroups.prepare();
        child(cgroups, "a", "cpu.weight", "100", true);

        SharesBalancer.Split split = new SharesBalancer(cgroups, procs).balance(EIGHT_GIB, 1.0);

        long shares = CpuShares.fromWeight(100); // 1017: the middle of weight 100's step, as in Guardian
        assertEquals(shares, split.bad());
        assertEquals(Long.toString(CpuShares.toWeight(shares)),
                Files.readString(cgroups.badParent().resolve("cpu.weight")));
        assertEquals(Long.toString(CpuShares.toWeight(8192 - shares)),
                Files.readString(cgroups.goodParent().resolve("cpu.weight")));
    }
}
