package io.greenhouse.process;

import io.greenhouse.backend.OutputSink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputFanoutTest {
    static final class Sink implements OutputSink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean ended;

        @Override
        public synchronized void write(byte[] data, int offset, int length) {
            bytes.write(data, offset, length);
        }

        @Override
        public void end() {
            ended = true;
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void outputBeforeTheFirstSinkIsDeliveredToItInOrder() throws Exception {
        OutputFanout f = new OutputFanout(100);
        f.publish(b("one "));
        f.publish(b("two "));
        Sink s = new Sink();
        f.attach(s);
        f.publish(b("three"));
        assertEquals("one two three", s.text());
    }

    @Test
    void whatIsKeptForTheNextSinkIsACopyOfTheReusedArray() throws Exception {
        // The monitor's reader hands out the same array for every frame.
        OutputFanout f = new OutputFanout(100);
        byte[] reused = b("first-and-more");
        f.publish(reused, 5);
        System.arraycopy(b("again"), 0, reused, 0, 5);
        f.publish(reused, 5);
        Sink s = new Sink();
        f.attach(s);
        f.publish(reused, 3);
        assertEquals("firstagainaga", s.text());
    }

    @Test
    void everySinkGetsWhatIsPublishedWhileAttached() throws Exception {
        OutputFanout f = new OutputFanout(100);
        Sink a = new Sink();
        Sink b = new Sink();
        f.attach(a);
        f.publish(b("x"));
        f.attach(b);
        f.publish(b("y"));
        f.end();
        assertEquals("xy", a.text());
        assertEquals("y", b.text());
        assertTrue(a.ended && b.ended);
    }

    @Test
    void withoutSinksOnlyTheNewestBytesUpToTheBoundAreKept() throws Exception {
        OutputFanout f = new OutputFanout(10);
        f.publish(b("0123456789"));
        f.publish(b("abcde"));
        assertEquals(5, f.buffered());
        f.publish(b("ABCDEFGHIJKLMNOP"));
        assertEquals(10, f.buffered());
        Sink s = new Sink();
        f.attach(s);
        assertEquals("GHIJKLMNOP", s.text());
    }

    @Test
    void whileAClientIsExpectedPublishingBeyondTheBoundWaitsForItsSink() throws Exception {
        OutputFanout f = new OutputFanout(4);
        f.holdUntil(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        f.publish(b("1234"));
        CompletableFuture<Void> blocked = new CompletableFuture<>();
        Thread publisher = new Thread(() -> {
            try {
                f.publish(b("5678"));
                blocked.complete(null);
            } catch (InterruptedException e) {
                blocked.completeExceptionally(e);
            }
        });
        publisher.start();
        // Not a sleep: wait until the publisher is parked inside publish, however long that takes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (publisher.getState() != Thread.State.WAITING && publisher.getState() != Thread.State.TIMED_WAITING
                && !blocked.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(blocked.isDone(), "publish should wait for the expected client");
        Sink s = new Sink();
        f.attach(s);
        blocked.get(30, TimeUnit.SECONDS);
        assertEquals("12345678", s.text());
    }

    @Test
    void aHoldRunsOutAndThenTheOldestIsDropped() throws Exception {
        OutputFanout f = new OutputFanout(4);
        f.holdUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        f.publish(b("1234"));
        f.publish(b("5678"));
        Sink s = new Sink();
        f.attach(s);
        assertEquals("5678", s.text());
    }

    @Test
    void aSinkAttachedAfterTheEndGetsTheBufferAndIsEnded() throws Exception {
        OutputFanout f = new OutputFanout(100);
        f.publish(b("last words"));
        f.end();
        Sink s = new Sink();
        f.attach(s);
        assertEquals("last words", s.text());
        assertTrue(s.ended);
    }
}
