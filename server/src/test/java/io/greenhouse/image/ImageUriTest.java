package io.greenhouse.image;

import io.greenhouse.backend.GardenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageUriTest {
    private static final String HEX = "a".repeat(64);

    @Test
    void dockerHubNamesGetTheLibraryPrefixAndLatest() {
        ImageUri.Registry r = (ImageUri.Registry) ImageUri.parse("docker:///busybox");
        assertEquals("", r.registry());
        assertTrue(r.dockerHub());
        assertEquals("library/busybox", r.repository());
        assertEquals("latest", r.reference());
    }

    @Test
    void dockerHubWithOrganisationAndTag() {
        ImageUri.Registry r = (ImageUri.Registry) ImageUri.parse("docker:///cloudfoundry/cflinuxfs4#1.2.3");
        assertEquals("cloudfoundry/cflinuxfs4", r.repository());
        assertEquals("1.2.3", r.tag());
    }

    @Test
    void hubHostNamesMeanTheHub() {
        ImageUri.Registry r = (ImageUri.Registry) ImageUri.parse("docker://docker.io/ubuntu#22.04");
        assertTrue(r.dockerHub());
        assertEquals("library/ubuntu", r.repository());
    }

    @Test
    void registryWithPort() {
        ImageUri.Registry r = (ImageUri.Registry) ImageUri.parse("docker://127.0.0.1:5006/team/app-x#v1");
        assertEquals("127.0.0.1:5006", r.registry());
        assertEquals("team/app-x", r.repository());
        assertEquals("v1", r.reference());
    }

    @Test
    void ipv6Registry() {
        ImageUri.Registry r = (ImageUri.Registry) ImageUri.parse("docker://[::1]:5006/app#v1");
        assertEquals("[::1]:5006", r.registry());
        assertEquals("app", r.repository());
    }

    @Test
    void digestsByAtOrFragment() {
        ImageUri.Registry at = (ImageUri.Registry) ImageUri.parse("docker://reg:5000/app@sha256:" + HEX);
        assertEquals("sha256:" + HEX, at.reference());
        ImageUri.Registry frag = (ImageUri.Registry) ImageUri.parse("docker://reg:5000/app#sha256:" + HEX);
        assertEquals(at.digest(), frag.digest());
    }

    @Test
    void localDirectoriesAndTarballs() {
        assertEquals(new ImageUri.LocalDirectory(Path.of("/var/lib/rootfs")), ImageUri.parse("/var/lib/rootfs/"));
        assertEquals(new ImageUri.LocalDirectory(Path.of("/var/lib/rootfs")), ImageUri.parse("raw:///var/lib/rootfs"));
        assertInstanceOf(ImageUri.LocalTarball.class, ImageUri.parse("/images/rootfs.tar"));
        assertInstanceOf(ImageUri.LocalTarball.class, ImageUri.parse("/images/rootfs.tar.gz"));
        assertInstanceOf(ImageUri.LocalTarball.class, ImageUri.parse("/images/rootfs.tgz"));
    }

    @Test
    void ociLayouts() {
        ImageUri.OciLayout tagged = (ImageUri.OciLayout) ImageUri.parse("oci:///var/images/app#v2");
        assertEquals(Path.of("/var/images/app"), tagged.path());
        assertEquals("v2", tagged.tag());
        assertNull(tagged.digest());
        ImageUri.OciLayout untagged = (ImageUri.OciLayout) ImageUri.parse("oci:///var/images/app");
        assertEquals("", untagged.tag());
        ImageUri.OciLayout pinned = (ImageUri.OciLayout) ImageUri.parse("oci:///var/images/app#sha256:" + HEX);
        assertEquals(HEX, pinned.digest().hex());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "docker:///../etc", "docker:///a/../../etc", "docker://reg/a/..", "docker://reg/a//b",
            "docker://reg/UPPER", "docker://reg/a%2f..", "docker://reg/a b", "docker://reg/.hidden",
            "docker://reg/", "docker://reg", "docker://reg:0/a", "docker://reg:70000/a", "docker://re_g/a",
            "docker://reg/a#bad/tag", "docker://reg/a#..", "docker://reg/a#" , "docker://reg/a@sha256:abc",
            "docker://reg/a@md5:" + "a", "docker://reg/a@sha256:" + "A", "docker://reg/a#sha256:xyz",
            "docker://reg/a@sha256:aaaa#sha256:bbbb", "docker://reg/a\n#x",
            "oci://relative/path", "oci:///a/../b#t", "oci:///a#bad tag", "oci:///a#sha256:123",
            "/a/../etc", "raw://relative", "/a/b#tag", "http://example/app", "", "  "})
    void hostileOrMalformedUrisAreRefused(String uri) {
        GardenException e = assertThrows(GardenException.class, () -> ImageUri.parse(uri));
        assertTrue(e.getMessage().length() > 10, e.getMessage());
    }

    @Test
    void refusalsSayWhatIsWrong() {
        assertTrue(assertThrows(GardenException.class, () -> ImageUri.parse("docker://reg/a/../b"))
                .getMessage().contains("bad repository name component '..'"));
        assertTrue(assertThrows(GardenException.class, () -> ImageUri.parse("docker://reg/a@sha256:12"))
                .getMessage().contains("bad digest"));
    }

    @Test
    void digestFileNames() {
        assertEquals(HEX, Digest.parse("sha256:" + HEX).fileName());
        assertEquals("sha512-" + "b".repeat(128), Digest.parse("sha512:" + "b".repeat(128)).fileName());
        assertEquals("sha256:" + HEX, Digest.parse("sha256:" + HEX).toString());
    }
}
