package io.greenhouse.wiring;

import io.greenhouse.backend.StepObserver;
import io.greenhouse.linux.Syscalls;

import java.util.logging.Logger;

/**
 * Fault injection for crash tests: SIGKILLs this server right after one named step of a create or
 * destroy ({@code greenhouse.fault.kill-after=create:rootfs}), exactly as a crash there would
 * leave the host; with {@code @HANDLE} after the step ({@code destroy:network@c1}) only in that
 * container's, so a restart may finish another container's cut-off destroy without dying again.
 * Never configured on a production cell.
 */
final class KillAfterStep implements StepObserver {
    private static final Logger LOG = Logger.getLogger(KillAfterStep.class.getName());

    private final String operation;
    private final String step;
    /** Null: any container's. */
    private final String handle;
    private final Syscalls syscalls;

    KillAfterStep(String setting, Syscalls syscalls) {
        int colon = setting.indexOf(':');
        if (colon <= 0 || colon == setting.length() - 1) {
            throw new IllegalArgumentException("greenhouse.fault.kill-after must be OPERATION:STEP[@HANDLE], not " + setting);
        }
        this.operation = setting.substring(0, colon);
        String rest = setting.substring(colon + 1);
        int at = rest.indexOf('@');
        this.step = at < 0 ? rest : rest.substring(0, at);
        this.handle = at < 0 ? null : rest.substring(at + 1);
        this.syscalls = syscalls;
    }

    @Override
    public void after(String operation, String step, String handle) {
        if (this.operation.equals(operation) && this.step.equals(step)
                && (this.handle == null || this.handle.equals(handle))) {
            LOG.severe(() -> "fault injection: killing this server after step " + step + " of the "
                    + operation + " of " + handle);
            syscalls.killSelf();
        }
    }
}
