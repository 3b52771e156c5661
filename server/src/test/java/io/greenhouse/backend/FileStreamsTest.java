package io.greenhouse.backend;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** StreamIn/StreamOut orchestration with a test double of the file mover. */
class FileStreamsTest extends BackendFixture {
    private final GardenBackend backend = started(10, Duration.ZERO);

    /** Records calls; while a stream runs, lets the test run code "during" it. */
    private static final class RecordingFiles implements ContainerFiles {
        final List<String> calls = new ArrayList<>();
        Runnable during = () -> { };

        @Override
        public void streamIn(Target target, String destination, String user, InputStream tar) {
            calls.add("in " + target + " " + destination + " '" + user + "'");
            during.run();
        }

        @Override
        public InputStream streamOut(Target target, String source, String user) {
            calls.add("out " + target + " " + source + " '" + user + "'");
            return new ByteArrayInputStream(new byte[] {1, 2, 3});
        }
    }

    private final RecordingFiles files = new RecordingFiles();
    private final FileStreams streams = new FileStreams(backend, runtime, files);

    private void create(String handle, boolean privileged, Duration graceTime) {
        backend.create(new ContainerSpec(handle, graceTime, null, null, null, null, List.of(), privileged, null, null, null));
    }

    @Test
    void streamsGoToTheContainersInitWithItsPrivilegeAndEmptyUserAndPathForMissingOnes() {
        create("c", true, Duration.ZERO);
        streams.streamIn("c", "/dst", null, new ByteArrayInputStream(new byte[0]));
        streams.streamOut("c", null, "vcap");
        assertEquals(List.of("in Target[handle=c, initPid=42, privileged=true] /dst ''",
                "out Target[handle=c, initPid=42, privileged=true]  'vcap'"), files.calls);
    }

    @Test
    void theGraceTimeClockStandsStillWhileAStreamRuns() throws IOException {
        create("slow", false, Duration.ofSeconds(5));
        files.during = () -> {
            clock.advance(Duration.ofSeconds(60));
            backend.reapExpired();
        };
        streams.streamIn("slow", "/", "", new ByteArrayInputStream(new byte[0]));
        assertEquals(List.of("slow"), backend.handles(java.util.Map.of()));

        InputStream out = streams.streamOut("slow", "/x", "");
        clock.advance(Duration.ofSeconds(60));
        backend.reapExpired();
        assertEquals(List.of("slow"), backend.handles(java.util.Map.of()));
        out.close();
        clock.advance(Duration.ofSeconds(6));
        backend.reapExpired();
        assertEquals(List.of(), backend.handles(java.util.Map.of()));
    }

    @Test
    void unknownContainersAreNotFound() {
        assertThrows(ContainerNotFoundException.class, () -> streams.streamOut("nope", "/", ""));
        assertThrows(ContainerNotFoundException.class,
                () -> streams.streamIn("nope", "/", "", new ByteArrayInputStream(new byte[0])));
        assertTrue(files.calls.isEmpty());
    }

    @Test
    void aContainerWhoseInitIsGoneIsAnErrorNotAHostPath() {
        create("dead", false, Duration.ZERO);
        runtime.running.remove("dead");
        GardenException e = assertThrows(GardenException.class, () -> streams.streamOut("dead", "/", ""));
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
        assertTrue(files.calls.isEmpty());
    }
}
