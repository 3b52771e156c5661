package io.greenhouse.api.stream;

import io.greenhouse.backend.GardenException;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Lets tests of the api package see how a Run body is refused. */
public final class ProcessSpecReaderAccess {
    private ProcessSpecReaderAccess() {
    }

    public static String refusal(String body) {
        return assertThrows(GardenException.class, () -> ProcessSpecReader.read(body)).getMessage();
    }
}
