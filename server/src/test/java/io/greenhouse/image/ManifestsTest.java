package io.greenhouse.image;

import io.greenhouse.backend.GardenException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestsTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);
    private static final String C = "sha256:" + "c".repeat(64);

    private static byte[] json(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void dockerSchema2Manifest() {
        byte[] body = json("{'schemaVersion':2,'mediaType':'" + Manifests.DOCKER_MANIFEST + "','config':{'mediaType':"
                + "'application/vnd.docker.container.image.v1+json','digest':'" + A + "','size':10},'layers':[{'mediaType':"
                + "'application/vnd.docker.image.rootfs.diff.tar.gzip','digest':'" + B + "','size':20}]}");
        String type = Manifests.mediaType(body, "");
        Manifests.Manifest m = Manifests.manifest(body, type, "img");
        assertEquals(A, m.config().digest().toString());
        assertEquals(1, m.layers().size());
        assertEquals(Compression.GZIP, Manifests.compression(m.layers().get(0).mediaType(), "img"));
    }

    @Test
    void ociManifestWithoutMediaTypeIsRecognised() {
        byte[] body = json("{'schemaVersion':2,'config':{'mediaType':'x','digest':'" + A + "','size':1},'layers':[]}");
        assertEquals(Manifests.OCI_MANIFEST, Manifests.mediaType(body, "application/json"));
        byte[] index = json("{'schemaVersion':2,'manifests':[]}");
        assertEquals(Manifests.OCI_INDEX, Manifests.mediaType(index, ""));
    }

    @Test
    void schema1IsRefusedClearly() {
        byte[] body = json("{'schemaVersion':1,'name':'x','fsLayers':[]}");
        String type = Manifests.mediaType(body, "application/vnd.docker.distribution.manifest.v1+prettyjws");
        GardenException e = assertThrows(GardenException.class, () -> Manifests.manifest(body, type, "img"));
        assertTrue(e.getMessage().contains("unsupported manifest media type"), e.getMessage());
    }

    @Test
    void theIndexEntryForThisPlatformIsChosen() {
        byte[] body = json("{'schemaVersion':2,'mediaType':'" + Manifests.OCI_INDEX + "','manifests':["
                + "{'mediaType':'" + Manifests.OCI_MANIFEST + "','digest':'" + A + "','size':1,'platform':{'os':'linux','architecture':'arm','variant':'v7'}},"
                + "{'mediaType':'" + Manifests.OCI_MANIFEST + "','digest':'" + B + "','size':1,'platform':{'os':'linux','architecture':'amd64'}},"
                + "{'mediaType':'" + Manifests.OCI_MANIFEST + "','digest':'" + C + "','size':1,'platform':{'os':'unknown','architecture':'unknown'}}]}");
        List<Descriptor> entries = Manifests.index(body, "img");
        assertEquals(B, Manifests.choose(entries, "amd64", "img").digest().toString());
        GardenException e = assertThrows(GardenException.class, () -> Manifests.choose(entries, "s390x", "img"));
        assertTrue(e.getMessage().contains("no manifest for linux/s390x") && e.getMessage().contains("linux/arm/v7"), e.getMessage());
    }

    @Test
    void layerMediaTypes() {
        assertEquals(Compression.ZSTD, Manifests.compression("application/vnd.oci.image.layer.v1.tar+zstd", "i"));
        assertEquals(Compression.NONE, Manifests.compression("application/vnd.oci.image.layer.v1.tar", "i"));
        assertEquals(Compression.GZIP, Manifests.compression("application/vnd.oci.image.layer.v1.tar+gzip", "i"));
        GardenException e = assertThrows(GardenException.class,
                () -> Manifests.compression("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "i"));
        assertTrue(e.getMessage().contains("unsupported layer media type"));
    }

    @Test
    void configEnvAndDiffIds() {
        Manifests.Config c = Manifests.config(json("{'architecture':'amd64','config':{'Env':['PATH=/usr/bin','A=b=c'],"
                + "'User':'1000'},'rootfs':{'type':'layers','diff_ids':['" + A + "']}}"), "img");
        assertEquals(List.of("PATH=/usr/bin", "A=b=c"), c.env());
        assertEquals(A, c.diffIds().get(0).toString());
        assertEquals(List.of(), Manifests.config(json("{'config':null}"), "img").env());
    }

    @Test
    void garbageIsAGardenError() {
        assertThrows(GardenException.class, () -> Manifests.mediaType("not json".getBytes(), ""));
        assertThrows(GardenException.class, () -> Manifests.manifest(json("{'config':{'digest':'bad'}}"), Manifests.OCI_MANIFEST, "i"));
    }
}
