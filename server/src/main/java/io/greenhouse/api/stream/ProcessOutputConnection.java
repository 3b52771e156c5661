package io.greenhouse.api.stream;

import io.greenhouse.backend.ContainerProcess;
import io.greenhouse.backend.OutputSink;

/** A stdout or stderr stream once upgraded: the raw bytes, unframed, then the connection closes. */
public class ProcessOutputConnection extends UpgradedConnection implements OutputSink {
    private ContainerProcess process;
    private boolean stdout;

    void bind(ContainerProcess p, boolean isStdout) {
        this.process = p;
        this.stdout = isStdout;
    }

    @Override
    void started() {
        if (process == null) {
            // Unknown stream: like Guardian, an empty stream.
            close();
        } else if (stdout) {
            process.attachStdout(this);
        } else {
            process.attachStderr(this);
        }
    }

    @Override
    void received(byte[] data, int length) {
        // Clients send nothing on output streams.
    }

    @Override
    void closing() {
        if (process != null) {
            process.detach(this);
        }
    }

    @Override
    public void end() {
        close();
    }
}
