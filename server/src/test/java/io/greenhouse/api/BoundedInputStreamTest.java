package io.greenhouse.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BoundedInputStreamTest {
    private static InputStream bytes(int n) {
        return new ByteArrayInputStream(new byte[n]);
    }

    @Test
    void aBodyUpToTheLimitIsReadWhole() throws IOException {
        assertEquals(100, new BoundedInputStream(bytes(100), 100).readAllBytes().length);
    }

    @Test
    void oneByteMoreFailsWithAGardenError() {
        assertThrows(BodyTooLargeException.class, () -> new BoundedInputStream(bytes(101), 100).readAllBytes());
        assertThrows(BodyTooLargeException.class, () -> {
            InputStream in = new BoundedInputStream(bytes(101), 100);
            while (in.read() >= 0) {
                // byte by byte
            }
        });
    }

    @Test
    void aTooLargeBodyWrappedByAProviderIsStillA413GardenError() {
        Throwable wrapped = new jakarta.ws.rs.ProcessingException(new RuntimeException(new BodyTooLargeException(100)));
        Throwable failure = GardenExceptionMapper.garden(wrapped);
        assertEquals(413, GardenExceptionMapper.status(failure));
        assertEquals("request body is larger than 100 bytes (greenhouse.api.max-body-bytes)",
                GardenExceptionMapper.toError(failure).message());
    }
}
