package io.greenhouse.it;

import io.greenhouse.client.GardenClientException;
import io.greenhouse.client.GardenProcess;
import io.greenhouse.client.ProcessStreams;
import io.greenhouse.testsupport.OciImage;
import io.greenhouse.testsupport.RegistryPush;
import io.greenhouse.testsupport.TarBuilder;
import io.greenhouse.testsupport.TestRegistry;
import io.greenhouse.testsupport.TokenServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Containers from registry images, OCI layouts and tarballs, against two real registries on
 * loopback (Debian's docker-registry: one open, one with htpasswd auth) that this class starts and
 * stops, with images it builds from the busybox rootfs and pushes itself. The test cell collects
 * every unused layer at each create (its GC threshold is 0), so each test sees real downloads.
 */
class ImageIT extends CellTestSupport {
    private static final Path BUSYBOX = Path.of("/var/lib/greenhouse/rootfs/busybox");
    private static final String USER = "greenhouse";
    private static final String PASSWORD = "s3cret-pa55word";
    private static final Random RANDOM = new Random();

    private static TestRegistry open;
    private static TestRegistry locked;
    private static TokenServer tokens;
    private static TestRegistry tokened;
    private static byte[] busyboxTar;
    private static OciImage app;
    private static Path work;

    @BeforeAll
    static void registries() {
        work = new TestCell().work;
        open = TestRegistry.start(work.resolve("registries/open"), null, null);
        locked = TestRegistry.start(work.resolve("registries/locked"), USER, PASSWORD);
        busyboxTar = OciImage.tarOf(BUSYBOX);
        app = appImage();
        RegistryPush pushOpen = new RegistryPush(open.url(), null, null);
        pushOpen.push("greenhouse/app", "v1", app);
        // a multi-arch index: the amd64 entry is the app, the arm64 one leaves a marker
        OciImage arm = new OciImage().layer(busyboxTar, OciImage.Compression.GZIP)
                .layer(new TarBuilder().file("arch-marker", "arm64").bytes(), OciImage.Compression.GZIP);
        pushOpen.push("greenhouse/app", "arm-only", arm);
        Map<String, OciImage.Blob> platforms = new LinkedHashMap<>();
        platforms.put("linux/arm64", arm.manifest());
        platforms.put("linux/amd64", app.manifest());
        pushOpen.manifest("greenhouse/app", "multi", OciImage.index(platforms));
        new RegistryPush(locked.url(), USER, PASSWORD).push("team/private", "v1", app);
        tokens = new TokenServer(work.resolve("registries/token-service"), USER, PASSWORD);
        tokened = TestRegistry.withTokenAuth(work.resolve("registries/token"), tokens.realm(),
                work.resolve("registries/token-service/token.pem"));
        new RegistryPush(tokened.url(), "Bearer " + tokens.tokenFor("repository:team/tokened:pull,push"))
                .push("team/tokened", "v1", app);
    }

    @AfterAll
    static void stopRegistries() {
        if (open != null) {
            open.close();
        }
        if (locked != null) {
            locked.close();
        }
        if (tokened != null) {
            tokened.close();
        }
        if (tokens != null) {
            tokens.close();
        }
        // what this class pulled and wrote; nothing is pinned any more (each test checks)
        try {
            for (String dir : List.of("images/layers", "images/configs", "layouts", "tarballs")) {
                for (Path p : children(work.resolve(dir))) {
                    io.greenhouse.testsupport.LayerFiles.deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void noPinsAndNoHalfLayers() {
        cell.destroyAll();
        Path store = cell.work.resolve("images");
        assertEquals(List.of(), children(store.resolve("pins")), "pins left in the store");
        assertEquals(List.of(), children(store.resolve("tmp")), "partial layers left in the store");
    }

    /** busybox, then a layer with files, then a zstd layer that whites one out and makes /cache opaque. */
    private static OciImage appImage() {
        byte[] files = new TarBuilder().file("etc/motd", "hello from layer 2\n").file("data/keep", "k")
                .file("data/gone", "g").file("cache/old", "o").bytes();
        byte[] whiteouts = new TarBuilder().file("data/.wh.gone", "").dir("cache").file("cache/.wh..wh..opq", "")
                .file("cache/new", "n").bytes();
        return new OciImage().layer(busyboxTar, OciImage.Compression.GZIP).layer(files, OciImage.Compression.GZIP)
                .layer(whiteouts, OciImage.Compression.ZSTD).env("IMAGE_VAR=from-image", "SHARED=image");
    }

    /** The busybox layer and one of random content: an image no earlier test has pulled. */
    private static OciImage uniqueImage(int randomBytes) {
        byte[] noise = new byte[randomBytes];
        RANDOM.nextBytes(noise);
        return new OciImage().docker().layer(busyboxTar, OciImage.Compression.GZIP)
                .layer(new TarBuilder().file("noise", noise, 0644, e -> { }).bytes(), OciImage.Compression.GZIP);
    }

    private String create(String handle, String uri, JsonObjectBuilder image) {
        JsonObjectBuilder spec = Json.createObjectBuilder().add("handle", handle).add("env", Json.createArrayBuilder().add("SHARED=spec"));
        spec.add("image", image == null ? Json.createObjectBuilder().add("uri", uri) : image.add("uri", uri));
        return cell.client.create(spec.build());
    }

    private String sh(String handle, String script) {
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run(handle, ProcessIT.sh(script).build(), io);
        assertEquals(0, p.await(ProcessIT.WAIT), () -> "stdout: " + io.stdoutText() + " stderr: " + io.stderrText());
        return io.stdoutText();
    }

    private String appUri(String tag) {
        return "docker://" + open.host() + "/greenhouse/app#" + tag;
    }

    @Test
    void aContainerFromTheOpenRegistryHasItsLayersWhiteoutsAndEnv() {
        create("img-open", appUri("v1"), null);
        assertEquals("hello from layer 2\nkeep\nnew\nfrom-image spec\n",
                sh("img-open", "cat /etc/motd; ls /data; ls /cache; echo $IMAGE_VAR $SHARED"));
        assertEquals("ok\n", sh("img-open", "echo ok > /data/written && cat /data/written"));
    }

    @Test
    void aPeaRunsInARegistryImage() {
        cell.client.create("img-pea-host");
        ProcessStreams io = ProcessStreams.collecting();
        GardenProcess p = cell.client.run("img-pea-host", ProcessIT.sh("cat /etc/motd; echo $IMAGE_VAR")
                .add("image", Json.createObjectBuilder().add("uri", appUri("v1"))).build(), io);
        assertEquals(0, p.await(ProcessIT.WAIT), io::stderrText);
        assertEquals("hello from layer 2\nfrom-image\n", io.stdoutText());
    }

    @Test
    void aContainerFromARegistryImageSurvivesARestart() {
        create("img-restart", appUri("v1"), null);
        cell.stopServer();
        // a lost pin is made again at reload from the container's own record of its layers
        for (Path pin : children(cell.work.resolve("images/pins"))) {
            try {
                Files.delete(pin);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        cell.startServer();
        assertEquals("hello from layer 2\nfrom-image spec\n", sh("img-restart", "cat /etc/motd; echo $IMAGE_VAR $SHARED"));
        // its layers are still pinned: a collection at another create keeps them
        create("img-after-restart", "docker://" + open.host() + "/greenhouse/app#arm-only", null);
        assertEquals("hello from layer 2\n", sh("img-restart", "cat /etc/motd"));
    }

    @Test
    void aMultiArchIndexGivesTheAmd64Image() {
        create("img-multi", appUri("multi"), null);
        assertEquals("hello from layer 2\nno marker\n", sh("img-multi", "cat /etc/motd; test -e /arch-marker || echo no marker"));
    }

    @Test
    void aDigestReferencePullsThatManifest() {
        create("img-digest", "docker://" + open.host() + "/greenhouse/app@" + app.manifest().digest(), null);
        assertEquals("hello from layer 2\n", sh("img-digest", "cat /etc/motd"));
    }

    @Test
    void aSecondContainerOfTheSameImageDownloadsNothing() {
        OciImage image = uniqueImage(1 << 16);
        new RegistryPush(open.url(), null, null).push("greenhouse/twice", "v1", image);
        String uri = "docker://" + open.host() + "/greenhouse/twice#v1";
        create("img-first", uri, null);
        long gets = open.blobGets();
        double downloads = metric("greenhouse_image_layer_downloads_total");
        double hits = metric("greenhouse_image_layer_cache_hits_total");
        create("img-second", uri, null);
        assertEquals(gets, open.blobGets(), "no blob fetched for the second container");
        assertEquals(downloads, metric("greenhouse_image_layer_downloads_total"));
        assertEquals(hits + 2, metric("greenhouse_image_layer_cache_hits_total"));
        assertTrue(metric("greenhouse_image_store_size_bytes") > 1 << 16);
        assertTrue(metric("greenhouse_image_pulls_total") >= 2);
    }

    @Test
    void tenConcurrentCreatesOfAnUncachedImageDownloadEachLayerOnce() throws Exception {
        OciImage image = uniqueImage(1 << 20);
        new RegistryPush(open.url(), null, null).push("greenhouse/ten", "v1", image);
        String noise = image.layers().get(1).digest();
        String uri = "docker://" + open.host() + "/greenhouse/ten#v1";
        long baseBefore = blobGets(open, image.layers().get(0).digest());
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<String>> creates = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String handle = "img-ten-" + i;
                creates.add(pool.submit(() -> create(handle, uri, null)));
            }
            for (Future<String> f : creates) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, blobGets(open, noise), "the new layer was fetched once");
        assertTrue(blobGets(open, image.layers().get(0).digest()) <= baseBefore + 1, "the base layer at most once");
        for (int i = 0; i < 10; i++) {
            assertTrue(sh("img-ten-" + i, "ls /noise").contains("noise"));
        }
    }

    @Test
    void thePrivateRegistryNeedsTheRightPasswordWhichIsNeverStored() throws IOException {
        String uri = "docker://" + locked.host() + "/team/private#v1";
        JsonObjectBuilder credentials = Json.createObjectBuilder().add("username", USER).add("password", PASSWORD);
        create("img-private", uri, credentials);
        assertEquals("hello from layer 2\n", sh("img-private", "cat /etc/motd"));
        try (Stream<Path> files = Files.walk(cell.depot.resolve("img-private"))) {
            for (Path f : files.filter(p -> Files.isRegularFile(p) && !p.toString().contains("/rootfs/")
                    && !p.toString().contains("/overlay/")).toList()) {
                assertFalse(Files.readString(f).contains(PASSWORD), "password written to " + f);
            }
        }
        Path logs = cell.serverScript.getParent().getParent().resolve("usr/servers/" + cell.serverName + "/logs");
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1).contains(PASSWORD),
                        "password in " + f);
            }
        }

        GardenClientException wrong = assertThrows(GardenClientException.class, () -> create("img-wrong", uri,
                Json.createObjectBuilder().add("username", USER).add("password", "not-it")));
        assertTrue(wrong.getMessage().contains("authentication refused"), wrong.getMessage());
        GardenClientException none = assertThrows(GardenClientException.class, () -> create("img-anon", uri, null));
        assertTrue(none.getMessage().contains("asks for credentials"), none.getMessage());
        assertEquals(List.of("img-private"), cell.client.list(Map.of()));
    }

    @Test
    void aRegistryWithTokenAuthIsAnsweredWithABearerToken() {
        String uri = "docker://" + tokened.host() + "/team/tokened#v1";
        create("img-token", uri, Json.createObjectBuilder().add("username", USER).add("password", PASSWORD));
        assertEquals("hello from layer 2\n", sh("img-token", "cat /etc/motd"));
        GardenClientException wrong = assertThrows(GardenClientException.class, () -> create("img-token-wrong", uri,
                Json.createObjectBuilder().add("username", USER).add("password", "not-it")));
        assertTrue(wrong.getMessage().contains("authentication refused by the token service"), wrong.getMessage());
        assertEquals(List.of("img-token"), cell.client.list(Map.of()));
    }

    @Test
    void aMissingTagIsAClearErrorAndLeavesNothing() {
        GardenClientException e = assertThrows(GardenClientException.class, () -> create("img-missing", appUri("no-such-tag"), null));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertEquals(List.of(), cell.client.list(Map.of()));
    }

    @Test
    void aCorruptedBlobIsAClearErrorAndLeavesNoLayer() throws IOException {
        OciImage image = uniqueImage(1 << 16);
        new RegistryPush(open.url(), null, null).push("greenhouse/corrupt", "v1", image);
        String bad = image.layers().get(1).digest();
        Path data = open.blobData(bad);
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(data, bytes);
        GardenClientException e = assertThrows(GardenClientException.class,
                () -> create("img-corrupt", "docker://" + open.host() + "/greenhouse/corrupt#v1", null));
        assertTrue(e.getMessage().contains("digest mismatch") || e.getMessage().contains("gzip")
                || e.getMessage().contains("Corrupt"), e.getMessage());
        assertEquals(List.of(), cell.client.list(Map.of()));
        assertFalse(Files.exists(cell.work.resolve("images/layers").resolve(bad.substring(7))), "no layer for the bad blob");
    }

    @Test
    void anOciLayoutOnDisk() {
        Path layout = cell.work.resolve("layouts/app");
        app.writeLayout(layout, "v1");
        create("img-oci", "oci://" + layout + "#v1", null);
        assertEquals("hello from layer 2\nnew\nfrom-image\n", sh("img-oci", "cat /etc/motd; ls /cache; echo $IMAGE_VAR"));
        GardenClientException e = assertThrows(GardenClientException.class, () -> create("img-oci-bad", "oci://" + layout + "#v9", null));
        assertTrue(e.getMessage().contains("no tag 'v9'"), e.getMessage());
    }

    @Test
    void aLocalRootfsTarball() throws IOException {
        Path tarball = cell.work.resolve("tarballs/rootfs.tar");
        Files.createDirectories(tarball.getParent());
        Files.write(tarball, busyboxTar);
        create("img-tar", tarball.toString(), null);
        assertEquals("tarball\n", sh("img-tar", "echo tarball"));
    }

    @Test
    void anImageOf64LayersMounts() {
        OciImage many = new OciImage().layer(busyboxTar, OciImage.Compression.GZIP);
        for (int i = 0; i < 64; i++) {
            many.layer(new TarBuilder().file("layers/" + i, Integer.toString(i)).bytes(), OciImage.Compression.NONE);
        }
        new RegistryPush(open.url(), null, null).push("greenhouse/many", "v1", many);
        create("img-many", "docker://" + open.host() + "/greenhouse/many#v1", null);
        assertEquals("64\n63\n", sh("img-many", "ls /layers | wc -l; cat /layers/63; echo"));
    }

    @Test
    void collectionFreesUnusedLayersAndKeepsUsedOnes() {
        OciImage x = uniqueImage(1 << 16);
        OciImage y = uniqueImage(1 << 16);
        RegistryPush push = new RegistryPush(open.url(), null, null);
        push.push("greenhouse/gc-x", "v1", x);
        push.push("greenhouse/gc-y", "v1", y);
        Path layers = cell.work.resolve("images/layers");
        Path xLayer = layers.resolve(x.layers().get(1).digest().substring(7));
        Path yLayer = layers.resolve(y.layers().get(1).digest().substring(7));

        create("img-gc-a", "docker://" + open.host() + "/greenhouse/gc-x#v1", null);
        assertTrue(Files.isDirectory(xLayer));
        cell.client.destroy("img-gc-a");
        assertTrue(Files.isDirectory(xLayer), "unused layers stay until a create collects");

        create("img-gc-b", "docker://" + open.host() + "/greenhouse/gc-y#v1", null);
        assertFalse(Files.exists(xLayer), "the unused layer was collected");
        assertTrue(Files.isDirectory(yLayer));

        create("img-gc-c", "docker://" + open.host() + "/greenhouse/gc-x#v1", null);
        assertTrue(Files.isDirectory(yLayer), "a layer in use is never collected");
        assertEquals("ok\n", sh("img-gc-b", "ls /noise >/dev/null && echo ok"));
    }

    /**
     * Not an assertion: prints the time to create a container from a 50 MiB image pulled for the
     * first time, from the same image cached, and from a local directory. Run it alone with
     * {@code -Dit.test=ImageIT#pullTimings}.
     */
    @Test
    void pullTimings() {
        for (int round = 1; round <= 3; round++) {
            OciImage big = uniqueImage(50 << 20);
            new RegistryPush(open.url(), null, null).push("greenhouse/big", "r" + round, big);
            String uri = "docker://" + open.host() + "/greenhouse/big#r" + round;
            long t0 = System.nanoTime();
            create("img-big-1", uri, null);
            long first = System.nanoTime() - t0;
            t0 = System.nanoTime();
            create("img-big-2", uri, null);
            long cached = System.nanoTime() - t0;
            t0 = System.nanoTime();
            cell.client.create(Json.createObjectBuilder().add("handle", "img-local").add("image",
                    Json.createObjectBuilder().add("uri", BUSYBOX.toString())).build());
            long local = System.nanoTime() - t0;
            System.out.printf("IMAGE TIMINGS round %d: 50 MiB image (%d bytes compressed, 2 layers): first pull %d ms,"
                            + " cached %d ms; local directory %d ms%n", round,
                    big.layers().stream().mapToLong(l -> l.data().length).sum(), first / 1_000_000, cached / 1_000_000,
                    local / 1_000_000);
            assertEquals("/noise\n", sh("img-big-2", "ls /noise"));
            cell.destroyAll();
        }
    }

    private static long blobGets(TestRegistry registry, String digest) {
        return registry.blobGets(digest);
    }

    private double metric(String name) {
        HttpResponse<String> r = cell.client.raw("GET", "/metrics?scope=application", null);
        return r.body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
