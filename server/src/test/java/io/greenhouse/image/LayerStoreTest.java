package io.greenhouse.image;

import io.greenhouse.backend.GardenException;
import io.greenhouse.linux.Syscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store on a real directory: one download per layer, atomic publication, verified digests, safe GC. */
class LayerStoreTest {
    private static final Syscalls SYSCALLS = new Syscalls();

    @TempDir
    Path tmp;

    private LayerStore store(Clock clock) {
        return new LayerStore(tmp.resolve("store"), SYSCALLS, ImageEvents.NONE, clock, 3, Duration.ofMillis(1));
    }

    private static Layer layer(byte[] blob, Compression compression, AtomicInteger opens) {
        Digest digest = Digest.sha256(blob);
        return new Layer(digest.fileName(), digest, compression, null, () -> {
            opens.incrementAndGet();
            return new ByteArrayInputStream(blob);
        });
    }

    @Test
    void gzipZstdAndPlainLayersUnpack() throws Exception {
        LayerStore store = store(Clock.systemUTC());
        AtomicInteger opens = new AtomicInteger();
        Layer gz = layer(Blobs.gzip(Blobs.tarWith("a", "gzip")), Compression.GZIP, opens);
        Layer zs = layer(Blobs.zstd(Blobs.tarWith("b", "zstd")), Compression.ZSTD, opens);
        Layer plain = layer(Blobs.tarWith("c", "plain"), Compression.NONE, opens);
        Layer sniffed = layer(Blobs.zstd(Blobs.tarWith("d", "sniffed")), null, opens);
        for (Layer l : List.of(gz, zs, plain, sniffed)) {
            assertTrue(store.ensure(l).fetched());
        }
        assertEquals("gzip", Files.readString(store.layerRoot(gz.id()).resolve("a")));
        assertEquals("zstd", Files.readString(store.layerRoot(zs.id()).resolve("b")));
        assertEquals("plain", Files.readString(store.layerRoot(plain.id()).resolve("c")));
        assertEquals("sniffed", Files.readString(store.layerRoot(sniffed.id()).resolve("d")));
        assertFalse(store.ensure(gz).fetched(), "the second time the layer is there");
        assertEquals(4, opens.get());
    }

    @Test
    void concurrentRequestsForOneLayerDownloadItOnce() throws Exception {
        LayerStore store = store(Clock.systemUTC());
        byte[] blob = Blobs.gzip(Blobs.tarWith("f", "once"));
        Digest digest = Digest.sha256(blob);
        AtomicInteger opens = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Layer slow = new Layer(digest.fileName(), digest, Compression.GZIP, null, () -> {
            opens.incrementAndGet();
            return new FilterInputStream(new ByteArrayInputStream(blob)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    return super.read(b, off, len);
                }
            };
        });
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<LayerStore.Ensured>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                results.add(pool.submit(() -> store.ensure(slow)));
            }
            Thread.sleep(200);
            release.countDown();
            int fetched = 0;
            for (Future<LayerStore.Ensured> r : results) {
                fetched += r.get(30, TimeUnit.SECONDS).fetched() ? 1 : 0;
            }
            assertEquals(1, fetched);
            assertEquals(1, opens.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCorruptedBlobLeavesNoLayerAndNoPartialFiles() {
        LayerStore store = store(Clock.systemUTC());
        byte[] blob = Blobs.gzip(Blobs.tarWith("f", "x"));
        Digest claimed = Digest.sha256("something else".getBytes());
        Layer corrupt = new Layer(claimed.fileName(), claimed, Compression.GZIP, null, () -> new ByteArrayInputStream(blob));
        GardenException e = assertThrows(GardenException.class, () -> store.ensure(corrupt));
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
        assertFalse(store.has(corrupt.id()));
        assertEquals(List.of(), list(store.root().resolve("tmp")));
        assertEquals(List.of(), list(store.root().resolve("layers")));
    }

    @Test
    void aWrongDiffIdIsRefused() {
        LayerStore store = store(Clock.systemUTC());
        byte[] blob = Blobs.gzip(Blobs.tarWith("f", "x"));
        Digest digest = Digest.sha256(blob);
        Layer layer = new Layer(digest.fileName(), digest, Compression.GZIP, Digest.sha256(new byte[1]),
                () -> new ByteArrayInputStream(blob));
        assertTrue(assertThrows(GardenException.class, () -> store.ensure(layer)).getMessage().contains("diff id"));
        assertFalse(store.has(layer.id()));
    }

    @Test
    void theRightDiffIdIsAccepted() {
        LayerStore store = store(Clock.systemUTC());
        byte[] tar = Blobs.tarWith("f", "x");
        byte[] blob = Blobs.gzip(tar);
        Digest digest = Digest.sha256(blob);
        assertTrue(store.ensure(new Layer(digest.fileName(), digest, Compression.GZIP, Digest.sha256(tar),
                () -> new ByteArrayInputStream(blob))).fetched());
    }

    @Test
    void aDownloadCutOffMidwayIsTriedAgain() {
        LayerStore store = store(Clock.systemUTC());
        byte[] noise = new byte[200_000];
        new java.util.Random(7).nextBytes(noise);
        byte[] blob = Blobs.gzip(new io.greenhouse.testsupport.TarBuilder().file("big", noise, 0644, e -> { }).bytes());
        Digest digest = Digest.sha256(blob);
        AtomicInteger opens = new AtomicInteger();
        Layer flaky = new Layer(digest.fileName(), digest, Compression.GZIP, null, () -> {
            if (opens.incrementAndGet() == 1) {
                return new InputStream() {
                    int at;

                    @Override
                    public int read() throws IOException {
                        if (at >= blob.length / 2) {
                            throw new IOException("connection reset");
                        }
                        return blob[at++] & 0xff;
                    }
                };
            }
            return new ByteArrayInputStream(blob);
        });
        assertTrue(store.ensure(flaky).fetched());
        assertEquals(2, opens.get());
        assertEquals(List.of(), list(store.root().resolve("tmp")));
    }

    @Test
    void collectionRemovesUnpinnedLayersLeastRecentlyUsedFirstAndKeepsPinnedOnes() throws Exception {
        MutableClock clock = new MutableClock();
        LayerStore store = store(clock);
        AtomicInteger opens = new AtomicInteger();
        Layer used = layer(Blobs.gzip(Blobs.tarWith("u", "1".repeat(1000))), Compression.GZIP, opens);
        Layer old = layer(Blobs.gzip(Blobs.tarWith("o", "2".repeat(1000))), Compression.GZIP, opens);
        Layer recent = layer(Blobs.gzip(Blobs.tarWith("r", "3".repeat(1000))), Compression.GZIP, opens);
        Path owner = Files.createDirectory(tmp.resolve("container"));
        store.pin(owner, List.of(used.id()));
        store.ensure(used);
        clock.advance();
        store.ensure(old);
        clock.advance();
        store.ensure(recent);
        assertEquals(3000, store.size());

        assertEquals(0, store.collect(3000), "under the threshold nothing goes");
        assertEquals(1000, store.collect(2000));
        assertTrue(store.has(used.id()));
        assertFalse(store.has(old.id()), "the least recently used unpinned layer went first");
        assertTrue(store.has(recent.id()));

        store.collect(0);
        assertTrue(store.has(used.id()), "a pinned layer is never collected");
        assertFalse(store.has(recent.id()));

        store.unpin(owner);
        store.collect(0);
        assertFalse(store.has(used.id()));
        assertEquals(0, store.size());
    }

    @Test
    void aPinWhoseContainerDirectoryIsGoneNoLongerCounts() throws Exception {
        LayerStore store = store(Clock.systemUTC());
        Layer l = layer(Blobs.gzip(Blobs.tarWith("u", "x")), Compression.GZIP, new AtomicInteger());
        Path owner = Files.createDirectory(tmp.resolve("crashed"));
        store.pin(owner, List.of(l.id()));
        store.ensure(l);
        Files.delete(owner);
        store.collect(0);
        assertFalse(store.has(l.id()));
        assertFalse(store.pinned(owner));
    }

    @Test
    void collectionsRacingCreatesNeverRemoveALayerInUse() throws Exception {
        LayerStore store = store(Clock.systemUTC());
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            layers.add(layer(Blobs.gzip(Blobs.tarWith("f" + i, "content " + i)), Compression.GZIP, new AtomicInteger()));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger creates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> work = new ArrayList<>();
            work.add(pool.submit(() -> {
                while (!stop.get()) {
                    store.collect(0);
                }
            }));
            for (int t = 0; t < 4; t++) {
                int n = t;
                work.add(pool.submit(() -> {
                    Path owner = Files.createDirectories(tmp.resolve("c" + n));
                    for (int i = 0; i < 60; i++) {
                        Layer l = layers.get((n + i) % layers.size());
                        store.pin(owner, List.of(l.id()));
                        store.ensure(l);
                        // as a mount would: the layer must stay while pinned
                        for (int k = 0; k < 3; k++) {
                            if (!Files.isRegularFile(store.layerRoot(l.id()).resolve("f" + layers.indexOf(l)))) {
                                violations.incrementAndGet();
                            }
                        }
                        store.unpin(owner);
                        creates.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : work.subList(1, work.size())) {
                f.get(120, TimeUnit.SECONDS);
            }
            stop.set(true);
            work.get(0).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(240, creates.get());
        assertEquals(0, violations.get());
    }

    @Test
    void leftoversOfACrashAreRemovedOnStart() throws Exception {
        Path half = Files.createDirectories(tmp.resolve("store/tmp/abc-123/fs/etc"));
        store(Clock.systemUTC());
        assertFalse(Files.exists(half));
    }

    private static List<Path> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A clock that moves a minute when told, so least-recently-used order does not depend on timing. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance() {
            now = now.plusSeconds(60);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
