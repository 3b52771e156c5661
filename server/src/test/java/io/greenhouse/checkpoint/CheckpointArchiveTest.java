package io.greenhouse.checkpoint;

import io.greenhouse.backend.CheckpointManifest;
import io.greenhouse.backend.Checkpointer;
import io.greenhouse.backend.ContainerInfo;
import io.greenhouse.backend.ContainerRecord;
import io.greenhouse.backend.ContainerSpec;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ImageRef;
import io.greenhouse.backend.WritableLayerArchive;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The archive a checkpoint moves between cells in: written, read back, and hostile ones refused. */
class CheckpointArchiveTest {
    @TempDir
    Path tmp;

    /** Copies the layer tar as it is, so tests see what reached it. */
    private static final class CopyingLayers implements WritableLayerArchive {
        @Override
        public void pack(Path upper, OutputStream tar) throws IOException {
            tar.write(Files.readAllBytes(upper.resolve("layer")));
        }

        @Override
        public long unpack(InputStream tar, Path upper) throws IOException {
            byte[] b = tar.readAllBytes();
            Files.write(upper.resolve("layer"), b);
            return b.length;
        }
    }

    private final CheckpointArchive archive = new CheckpointArchive(new CopyingLayers(), 1 << 20);

    private static CheckpointManifest manifest() {
        ContainerSpec spec = new ContainerSpec("h", Duration.ofMinutes(5), new ImageRef("docker:///busybox", "", ""),
                List.of(), "", Map.of("a", "b"), List.of("X=1"), false, null, List.of(), List.of());
        return new CheckpointManifest(CheckpointManifest.VERSION,
                new ContainerRecord(spec, Map.of("a", "c"), Duration.ofMinutes(5), Instant.EPOCH, List.of(), false, null),
                List.of(new ContainerInfo.PortMapping(61001, 8080)), List.of(),
                List.of(new CheckpointManifest.KeptProcess("mover", 4294967294L, 4294967294L)));
    }

    private byte[] written() throws IOException {
        Path upper = Files.createDirectories(tmp.resolve("src/upper"));
        Files.writeString(upper.resolve("layer"), "the layer");
        Path images = Files.createDirectories(tmp.resolve("src/images"));
        Files.writeString(images.resolve("inventory.img"), "inv");
        Files.writeString(images.resolve("pages-1.img"), "pages");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        archive.write(manifest(), upper, images, tmp.resolve("src/scratch.tar"), out);
        assertTrue(Files.notExists(tmp.resolve("src/scratch.tar")), "the scratch layer goes");
        return out.toByteArray();
    }

    @Test
    void aManifestFromACellBeforeKeptProcessesReadsAsHavingNone() throws IOException {
        CheckpointManifest m = manifest();
        String json = new String(io.greenhouse.checkpoint.JsonOf.manifest(m), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"keptProcesses\""), json);
        String old = json.replaceAll("\"keptProcesses\":\\[[^\\]]*\\],?", "").replace(",}", "}");
        byte[] bytes = tar(new TarArchiveEntry[] {new TarArchiveEntry("manifest.json")},
                new byte[][] {old.getBytes(StandardCharsets.UTF_8)});
        assertEquals(List.of(), archive.read(new ByteArrayInputStream(bytes), "checkpoint/images").manifest().keptProcesses());
    }

    @Test
    void whatIsWrittenIsReadBack() throws IOException {
        Checkpointer.Incoming in = archive.read(new ByteArrayInputStream(written()), "checkpoint/images");
        assertEquals(manifest(), in.manifest());
        Path dir = tmp.resolve("dst");
        in.unpack(dir, dir.resolve("overlay/upper"));
        assertEquals("the layer", Files.readString(dir.resolve("overlay/upper/layer")));
        assertEquals("pages", Files.readString(dir.resolve("checkpoint/images/pages-1.img")));
        assertEquals("inv", Files.readString(dir.resolve("checkpoint/images/inventory.img")));
    }

    private static byte[] tar(TarArchiveEntry[] headers, byte[][] contents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (int i = 0; i < headers.length; i++) {
                if (headers[i].isFile()) {
                    headers[i].setSize(contents[i].length);
                }
                tar.putArchiveEntry(headers[i]);
                tar.write(contents[i]);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private GardenException refusedWith(TarArchiveEntry extra, byte[] content) throws IOException {
        byte[] json = io.greenhouse.checkpoint.JsonOf.manifest(manifest());
        byte[] archiveBytes = tar(new TarArchiveEntry[] {new TarArchiveEntry("manifest.json"), new TarArchiveEntry("layer.tar"),
                new TarArchiveEntry("images/inventory.img"), extra},
                new byte[][] {json, "l".getBytes(StandardCharsets.UTF_8), "i".getBytes(StandardCharsets.UTF_8), content});
        Checkpointer.Incoming in = archive.read(new ByteArrayInputStream(archiveBytes), "checkpoint/images");
        Path dir = Files.createTempDirectory(tmp, "dst");
        return assertThrows(GardenException.class, () -> in.unpack(dir, dir.resolve("overlay/upper")));
    }

    @Test
    void entriesThatDoNotBelongAreRefused() throws IOException {
        TarArchiveEntry link = new TarArchiveEntry("images/x", TarConstants.LF_SYMLINK);
        link.setLinkName("/etc/passwd");
        assertTrue(refusedWith(link, new byte[0]).getMessage().contains("does not belong"));
        assertTrue(refusedWith(new TarArchiveEntry("images/../x"), new byte[1]).getMessage().contains("does not belong"));
        assertTrue(refusedWith(new TarArchiveEntry("images/sub/x"), new byte[1]).getMessage().contains("does not belong"));
        assertTrue(refusedWith(new TarArchiveEntry("/etc/passwd"), new byte[1]).getMessage().contains("does not belong"));
        assertTrue(refusedWith(new TarArchiveEntry("layer.tar"), new byte[1]).getMessage().contains("two layer.tar"));
        assertTrue(refusedWith(new TarArchiveEntry("images/inventory.img"), new byte[1]).getMessage().contains("twice"));
        TarArchiveEntry dev = new TarArchiveEntry("images/dev", TarConstants.LF_CHR);
        assertTrue(refusedWith(dev, new byte[0]).getMessage().contains("does not belong"));
        try (var all = Files.walk(tmp)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().equals("x")), "nothing named x written anywhere");
        }
    }

    @Test
    void theManifestComesFirstAndIsChecked() throws IOException {
        byte[] layerFirst = tar(new TarArchiveEntry[] {new TarArchiveEntry("layer.tar")}, new byte[][] {new byte[1]});
        assertTrue(assertThrows(GardenException.class, () -> archive.read(new ByteArrayInputStream(layerFirst), "i"))
                .getMessage().contains("first entry must be manifest.json"));
        byte[] version = tar(new TarArchiveEntry[] {new TarArchiveEntry("manifest.json")},
                new byte[][] {"{\"version\":7}".getBytes(StandardCharsets.UTF_8)});
        assertTrue(assertThrows(GardenException.class, () -> archive.read(new ByteArrayInputStream(version), "i"))
                .getMessage().contains("version 7"));
        byte[] garbage = tar(new TarArchiveEntry[] {new TarArchiveEntry("manifest.json")},
                new byte[][] {"[[[".getBytes(StandardCharsets.UTF_8)});
        assertTrue(assertThrows(GardenException.class, () -> archive.read(new ByteArrayInputStream(garbage), "i"))
                .getMessage().contains("refused"));
        assertThrows(GardenException.class, () -> archive.read(new ByteArrayInputStream("no tar".getBytes(StandardCharsets.UTF_8)), "i"));
    }

    @Test
    void anArchivePastTheLimitIsRefusedWhateverItsHeadersSay() throws IOException {
        byte[] json = JsonOf.manifest(manifest());
        byte[] big = tar(new TarArchiveEntry[] {new TarArchiveEntry("manifest.json"), new TarArchiveEntry("layer.tar")},
                new byte[][] {json, new byte[2 << 20]});
        Checkpointer.Incoming in = archive.read(new ByteArrayInputStream(big), "checkpoint/images");
        Path dir = tmp.resolve("dst");
        assertTrue(assertThrows(GardenException.class, () -> in.unpack(dir, dir.resolve("overlay/upper")))
                .getMessage().contains("over 1048576 bytes"));
    }

    @Test
    void anArchiveWithoutADumpIsRefused() throws IOException {
        byte[] json = JsonOf.manifest(manifest());
        byte[] noDump = tar(new TarArchiveEntry[] {new TarArchiveEntry("manifest.json"), new TarArchiveEntry("layer.tar")},
                new byte[][] {json, new byte[1]});
        Checkpointer.Incoming in = archive.read(new ByteArrayInputStream(noDump), "checkpoint/images");
        Path dir = tmp.resolve("dst");
        assertTrue(assertThrows(GardenException.class, () -> in.unpack(dir, dir.resolve("overlay/upper")))
                .getMessage().contains("inventory.img"));
    }
}
