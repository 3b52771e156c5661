package io.greenhouse.wiring;

import io.greenhouse.backend.StepObserver;
import io.greenhouse.linux.Syscalls;

import java.util.logging.Logger;

/**
 * Fault injection for crash tests: SIGKILLs this server right after one named step of a create or
 * destroy ({@code greenhouse.fault.kill-after=create:rootfs}), exactly as a crash there would
 * leave the host. Never configured on a production cell.
 */
final class KillAfterStep implements StepObserver {
    private static final Logger LOG = Logger.getLogger(KillAfterStep.class.getName());

    private final String operation;
    private final String step;
    private final Syscalls syscalls;

    KillAfterStep(String setting, Syscalls syscalls) {
        int colon = setting.indexOf(':');
        if (colon <= 0 || colon == setting.length() - 1) {
            throw new IllegalArgumentException("greenhouse.fault.kill-after must be OPERATION:STEP, not " + setting);
        }
        this.operation = setting.substring(0, colon);
        this.step = setting.substring(colon + 1);
        this.syscalls = syscalls;
    }

    @Override
    public void after(String operation, String step, String handle) {
        if (this.operation.equals(operation) && this.step.equals(step)) {
            LOG.severe(() -> "fault injection: killing this server after step " + step + " of the "
                    + operation + " of " + handle);
            syscalls.killSelf();
        }
    }
}
