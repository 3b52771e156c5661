package io.greenhouse.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContainerPathTest {
    @Test
    void namesTheContainerAndProcessOfAPath() {
        assertEquals(new ContainerPath("web-1", null), ContainerPath.of("/containers/web-1/info"));
        assertEquals(new ContainerPath("web-1", null), ContainerPath.of("/containers/web-1"));
        assertEquals(new ContainerPath("web-1", null), ContainerPath.of("/containers/web-1/processes"));
        assertEquals(new ContainerPath("web-1", "p-7"), ContainerPath.of("/containers/web-1/processes/p-7"));
        assertEquals(new ContainerPath("web-1", "p-7"),
                ContainerPath.of("/containers/web-1/processes/p-7/attaches/s-1/stdout"));
    }

    @Test
    void decodesPercentEncoding() {
        assertEquals(new ContainerPath("a b", null), ContainerPath.of("/containers/a%20b/properties/k"));
    }

    @Test
    void pathsThatNameNoContainer() {
        for (String path : new String[] {"/containers", "/containers?app=web", "/containers/bulk_info?handles=a,b",
                "/containers/bulk_metrics", "/ping", "/capacity", "/openapi", "%%"}) {
            assertEquals(ContainerPath.NONE, ContainerPath.of(path), path);
        }
    }
}
