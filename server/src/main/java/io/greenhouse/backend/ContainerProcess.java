package io.greenhouse.backend;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** A process running (or that ran) in a container, as clients that run or attach to it use it. */
public interface ContainerProcess {

    String id();

    /**
     * Completes with the exit status (128 + signal for a signal) once all output has been handed
     * to the attached sinks, or exceptionally when the status cannot be known.
     */
    CompletionStage<Integer> exitStatus();

    /**
     * A client received the exit status (or the error): the process's record and files may go,
     * as with Guardian's cleanup-process-dirs-on-wait. Clients attached already still get theirs;
     * a later Attach finds no such process.
     */
    void exitDelivered();

    void signal(ProcessSignal signal);

    void resize(WindowSize size);

    void writeStdin(byte[] data);

    void closeStdin();

    /** Sends the output buffered so far, then everything the process writes, to the sink. */
    void attachStdout(OutputSink sink);

    void attachStderr(OutputSink sink);

    void detach(OutputSink sink);

    /**
     * A client is about to attach output sinks: until it does (or the time passes), output that
     * no sink takes is held, slowing the process, instead of dropping the oldest.
     */
    void holdOutput(Duration atMost);
}
