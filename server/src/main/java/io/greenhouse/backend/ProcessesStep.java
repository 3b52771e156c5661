package io.greenhouse.backend;

/**
 * The process table's part of a container: the records of the processes run in it. Nothing to make
 * at create; undone after the runtime step (it comes before it), once every process is dead.
 */
final class ProcessesStep implements CreateStep {
    private final ProcessTable processes;

    ProcessesStep(ProcessTable processes) {
        this.processes = processes;
    }

    @Override
    public String name() {
        return "processes";
    }

    @Override
    public void make(Assembly container) {
        // processes are run later, through the API
    }

    @Override
    public void unmake(Assembly container) {
        processes.forget(container.handle());
    }

    @Override
    public void restore(Assembly container) {
        // the backend reloads the processes once every step is back and the container is served
    }
}
