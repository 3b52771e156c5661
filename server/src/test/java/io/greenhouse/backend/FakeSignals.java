package io.greenhouse.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Container signals that record what was asked; processes go away as soon as they are killed. */
final class FakeSignals implements ContainerSignals {
    final List<String> calls = new ArrayList<>();
    /** Whether processes ignore SIGTERM, so only the SIGKILL after the stop timeout ends them. */
    boolean ignoreTerm;
    private boolean othersLeft = true;

    @Override
    public void signalAllBut(String handle, int spared, ProcessSignal signal) {
        calls.add("signal " + handle + " but " + spared + " " + signal);
        if (signal == ProcessSignal.KILL || !ignoreTerm) {
            othersLeft = false;
        }
    }

    @Override
    public boolean awaitOnly(String handle, int spared, Duration timeout) {
        calls.add("await " + handle + " only " + spared);
        return !othersLeft;
    }
}
