package io.greenhouse.backend;

/**
 * Nothing to make: a checkpoint is taken later, through the API. Undone first, so a destroyed
 * container's checkpoint (its images and the network namespace kept for it) goes before the
 * network and the runtime's container do.
 */
final class CheckpointStep implements CreateStep {
    private final Checkpointer checkpointer;

    CheckpointStep(Checkpointer checkpointer) {
        this.checkpointer = checkpointer;
    }

    @Override
    public String name() {
        return "checkpoint";
    }

    @Override
    public void make(Assembly container) {
    }

    @Override
    public void unmake(Assembly container) {
        checkpointer.discard(container.handle(), container.directory());
    }

    @Override
    public void restore(Assembly container) {
    }
}
